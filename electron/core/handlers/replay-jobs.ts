import type { ReplayJobService } from '../dead-letters/replay-job-service';
import type { HandlerGroup } from './context';

/**
 * Replay jobs (issue 20): contract ↔ {@link ReplayJobService}. Roles, write mode, the bulk
 * confirmation and the audit entries are the dispatcher's, from the contract.
 */
export function replayJobHandlers(service: ReplayJobService): HandlerGroup<'replays.'> {
  const input = (p: { broker: 'redis' | 'rabbitmq' | 'bullmq'; bullKind?: 'failed' | 'dlq-queue'; source: string; target?: string; maxReplays: number; force: boolean }) => ({
    broker: p.broker,
    bullKind: p.broker === 'bullmq' ? (p.bullKind ?? 'failed') : null,
    source: p.source,
    target: p.target ?? null,
    maxReplays: p.maxReplays,
    force: p.force,
  });
  return {
    'replays.list': async ({ envId }) => ({ envId, jobs: await service.list(envId) }),
    'replays.get': async ({ envId, id }) => service.get(envId, id),
    'replays.dryRun': async (p) => service.dryRun(p.envId, { ...input(p), selection: p.selection }),
    'replays.start': async (p) => service.start(p.envId, { ...input(p), selection: p.selection, rate: p.rate ?? null, batch: p.batch }),
    'replays.pause': async ({ envId, id }) => service.control(envId, id, 'pause'),
    'replays.resume': async ({ envId, id }) => service.control(envId, id, 'resume'),
    'replays.cancel': async ({ envId, id }) => service.control(envId, id, 'cancel'),
  };
}
