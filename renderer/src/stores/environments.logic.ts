import type { EnvironmentView } from '../../../shared/model/environment';

export interface EnvironmentsState {
  environments: readonly EnvironmentView[];
  /** The environment the Overview is narrowed to; null shows all of them. */
  selectedId: string | null;
  isLoaded: boolean;
}

export const initialEnvironmentsState: EnvironmentsState = { environments: [], selectedId: null, isLoaded: false };

/**
 * Replaces the list (from `environments.list` or `environments.changed`). Unchanged environments
 * keep their object so memoized cards do not re-render; a selection that vanished is dropped.
 */
export function setEnvironments(state: EnvironmentsState, next: readonly EnvironmentView[]): EnvironmentsState {
  const previousById = new Map(state.environments.map((env) => [env.id, env]));
  const environments = next.map((env) => {
    const previous = previousById.get(env.id);
    return previous && isSameEnvironment(previous, env) ? previous : env;
  });
  const isUnchanged =
    state.isLoaded && environments.length === state.environments.length && environments.every((env, index) => env === state.environments[index]);
  const selectedId = state.selectedId !== null && environments.some((env) => env.id === state.selectedId) ? state.selectedId : null;
  if (isUnchanged && selectedId === state.selectedId) return state;
  return { environments: isUnchanged ? state.environments : environments, selectedId, isLoaded: true };
}

/** Adds or replaces one environment (the answer of `environments.add`/`update`), keeping list order. */
export function upsertEnvironment(state: EnvironmentsState, env: EnvironmentView): EnvironmentsState {
  const index = state.environments.findIndex((candidate) => candidate.id === env.id);
  if (index === -1) return { ...state, environments: [...state.environments, env] };
  const existing = state.environments[index];
  if (existing && isSameEnvironment(existing, env)) return state;
  const environments = state.environments.slice();
  environments[index] = env;
  return { ...state, environments };
}

/** Drops one environment (the answer of `environments.remove`). */
export function removeEnvironment(state: EnvironmentsState, id: string): EnvironmentsState {
  if (!state.environments.some((env) => env.id === id)) return state;
  return {
    ...state,
    environments: state.environments.filter((env) => env.id !== id),
    selectedId: state.selectedId === id ? null : state.selectedId,
  };
}

/** Narrows the Overview to one environment, or back to all with null; unknown ids are ignored. */
export function selectEnvironment(state: EnvironmentsState, id: string | null): EnvironmentsState {
  if (id === state.selectedId) return state;
  if (id !== null && !state.environments.some((env) => env.id === id)) return state;
  return { ...state, selectedId: id };
}

/** Every field compared (read-only state, write mode, role and TLS files included), whatever their key order. */
function isSameEnvironment(a: EnvironmentView, b: EnvironmentView): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) : v,
  );
}
