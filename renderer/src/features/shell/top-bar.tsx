import { useStore } from 'zustand';
import { CommandButton } from '../../components/command-button';
import { formatCount } from '../../components/format';
import { useServices } from '../../services';
import { selectEnvironment } from '../../stores/environments.logic';

/** App name, the environment filter, the link state and the refresh command. */
export function TopBar() {
  const { stores, client } = useServices();
  const environments = useStore(stores.environments, (state) => state.environments);
  const selectedId = useStore(stores.environments, (state) => state.selectedId);
  const link = useStore(stores.connection, (state) => state.state);
  const dropped = useStore(stores.overview, (state) => state.droppedTotal);
  return (
    <header className="top-bar">
      <div className="brand">Watchfloor</div>
      <label className="env-filter">
        <span className="label-text">Environment</span>
        <select
          data-testid="env-filter"
          value={selectedId ?? ''}
          onChange={(event) => {
            const id = event.target.value === '' ? null : event.target.value;
            stores.environments.setState((state) => selectEnvironment(state, id), true);
          }}
        >
          <option value="">All environments</option>
          {environments.map((env) => (
            <option key={env.id} value={env.id}>
              {env.production ? `${env.name} (production)` : env.name}
            </option>
          ))}
        </select>
      </label>
      <div className="top-bar-spacer" />
      {dropped > 0 ? (
        <span className="muted small" title="The host kept only the latest overview when updates came faster than it sends them">
          {formatCount(dropped)} updates coalesced
        </span>
      ) : null}
      <span className={`link-state link-${link}`} data-testid="link-state">
        {client.transport === 'electron' ? 'Desktop' : link === 'open' ? 'Host connected' : link === 'connecting' ? 'Connecting…' : 'Host disconnected'}
      </span>
      <CommandButton id="overview.refresh" className="button button-quiet" testId="refresh" />
    </header>
  );
}
