import type { Queue } from 'bullmq';
import { CodedError } from '../../../shared/contract/errors';
import { actOnBullJob, listBullJobs } from '../brokers/bullmq/bull-jobs';
import type { BullMonitor } from '../brokers/bullmq/bull-monitor';
import type { CoreContext, HandlerGroup } from './context';

/**
 * BullMQ queues: counts and history from the environment's monitor; pause, resume, drain (typed
 * confirmation), clean and promote through the `bullmq` package. Roles, write mode, confirmation
 * and audit are declared in the contract and enforced by the dispatcher.
 */
export function bullmqHandlers(ctx: CoreContext): HandlerGroup<'bullmq.'> {
  const monitorOf = (envId: string): BullMonitor => {
    ctx.runtime(envId).assertNotCluster('BullMQ monitoring');
    const bull = ctx.runtime(envId).bull;
    if (!bull) throw new CodedError('NOT_FOUND', 'this environment has no Redis, so no BullMQ queues');
    return bull;
  };
  /** The queue to act on: Redis connected, queue known. */
  const target = (envId: string, name: string): { bull: BullMonitor; queue: Queue } => {
    ctx.redisOf(envId);
    const bull = monitorOf(envId);
    const queue = bull.queue(name);
    if (!queue) throw new CodedError('NOT_FOUND', `no BullMQ queue "${name}" under ${bull.prefix} (deleted?)`);
    return { bull, queue };
  };
  const after = (bull: BullMonitor) => void bull.tick();

  return {
    'bullmq.queues': async ({ envId }) => monitorOf(envId).snapshot(),
    'bullmq.history': async ({ envId, queue, windowSeconds, maxPoints }) => {
      const bull = monitorOf(envId);
      if (!bull.history.knows(queue)) throw new CodedError('NOT_FOUND', `no BullMQ queue "${queue}" has been seen in this environment`);
      return bull.historyOf(queue, ctx.clock.now(), windowSeconds, maxPoints);
    },
    'bullmq.jobs': async ({ envId, queue: name, state, start, count, order }) => {
      const { queue } = target(envId, name);
      return listBullJobs(queue, ctx.redisOf(envId), state, start, count, order);
    },
    'bullmq.jobAction': async ({ envId, queue: name, id, action }) => {
      const { bull, queue } = target(envId, name);
      const { before, after: state } = await actOnBullJob(queue, id, action);
      after(bull);
      return { queue: name, id, action, before, after: state };
    },
    'bullmq.pause': async ({ envId, queue: name }, call) => {
      const { bull, queue } = target(envId, name);
      call.note({ before: { isPaused: await queue.isPaused() } });
      await queue.pause();
      after(bull);
      return { queue: name, isPaused: await queue.isPaused() };
    },
    'bullmq.resume': async ({ envId, queue: name }, call) => {
      const { bull, queue } = target(envId, name);
      call.note({ before: { isPaused: await queue.isPaused() } });
      await queue.resume();
      after(bull);
      return { queue: name, isPaused: await queue.isPaused() };
    },
    'bullmq.drain': async ({ envId, queue: name, includeDelayed }, call) => {
      const { bull, queue } = target(envId, name);
      // Counted just before: jobs added meanwhile may be drained too, so the figure is approximate.
      const counts = await queue.getJobCounts('waiting', 'prioritized', 'delayed');
      call.note({ before: counts });
      await queue.drain(includeDelayed);
      after(bull);
      return { queue: name, removed: (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (includeDelayed ? (counts.delayed ?? 0) : 0) };
    },
    'bullmq.clean': async ({ envId, queue: name, status, olderThanMs, limit }) => {
      const { bull, queue } = target(envId, name);
      const removed = await queue.clean(olderThanMs, limit, status);
      after(bull);
      return { queue: name, removed: removed.length };
    },
    'bullmq.promote': async ({ envId, queue: name }, call) => {
      const { bull, queue } = target(envId, name);
      const before = await queue.getDelayedCount();
      await queue.promoteJobs({ count: 1000 });
      const left = await queue.getDelayedCount();
      call.note({ before: { delayed: before }, after: { delayed: left } });
      after(bull);
      return { queue: name, promoted: Math.max(0, before - left) };
    },
  };
}
