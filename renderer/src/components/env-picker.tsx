import { useStore } from 'zustand';
import type { EnvironmentView } from '../../../shared/model/environment';
import { useServices } from '../services';
import { selectEnvironment } from '../stores/environments.logic';

/**
 * The environment a screen works on. There is one selection, the top bar's: a screen that needs
 * one environment (Dead letters, Pub/sub, Audit, Health rules) shows the selected one, or its first
 * candidate while "All environments" is selected, and picking another in the screen selects it in
 * the top bar too — the screen's picker and the global one never disagree, and the production
 * banner is the one of the environment in view.
 */
export function usePageEnvironment(candidates: readonly EnvironmentView[]): { env: EnvironmentView | null; selectedId: string | null; pick: (id: string | null) => void } {
  const { stores } = useServices();
  const selectedId = useStore(stores.environments, (state) => state.selectedId);
  const env = candidates.find((e) => e.id === selectedId) ?? candidates[0] ?? null;
  const pick = (id: string | null) => stores.environments.setState((state) => selectEnvironment(state, id), true);
  return { env, selectedId, pick };
}

/** The screen's environment picker: the candidates (those with Redis, say), and "All environments" where the screen can show all. */
export function EnvPicker({ candidates, value, onPick, testId, allowAll = false }: { candidates: readonly EnvironmentView[]; value: string | null; onPick: (id: string | null) => void; testId: string; allowAll?: boolean }) {
  return (
    <label className="small">
      Environment{' '}
      <select className="input" data-testid={testId} value={value ?? (allowAll ? 'all' : '')} onChange={(e) => onPick(e.target.value === 'all' ? null : e.target.value)}>
        {allowAll ? <option value="all">All environments</option> : null}
        {candidates.map((e) => (
          <option key={e.id} value={e.id}>
            {e.name}
          </option>
        ))}
      </select>
    </label>
  );
}
