import type { DemoStatus } from '../../../shared/model/overview';

export interface DemoState {
  /** envId → the last known status of its demo producer. */
  byEnv: Readonly<Record<string, DemoStatus>>;
}

export const initialDemoState: DemoState = { byEnv: {} };

/** Records a status from a `demo.*` answer or a `demo.status` push. */
export function applyDemoStatus(state: DemoState, status: DemoStatus): DemoState {
  const previous = state.byEnv[status.envId];
  if (previous && isSameStatus(previous, status)) return state;
  return { byEnv: { ...state.byEnv, [status.envId]: status } };
}

/** Forgets environments that no longer exist. */
export function retainDemoStatuses(state: DemoState, envIds: ReadonlySet<string>): DemoState {
  const ids = Object.keys(state.byEnv);
  if (ids.every((id) => envIds.has(id))) return state;
  return { byEnv: Object.fromEntries(Object.entries(state.byEnv).filter(([id]) => envIds.has(id))) };
}

function isSameStatus(a: DemoStatus, b: DemoStatus): boolean {
  return (
    a.running === b.running &&
    a.rate === b.rate &&
    a.startedAt === b.startedAt &&
    a.lastError === b.lastError &&
    a.produced.redis === b.produced.redis &&
    a.produced.amqp === b.produced.amqp &&
    a.produced.malformed === b.produced.malformed
  );
}
