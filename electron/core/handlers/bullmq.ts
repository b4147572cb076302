import type { Queue } from 'bullmq';
import { bullPrefix } from '../../../shared/model/bullmq';
import { CodedError } from '../../../shared/contract/errors';
import { actOnBullJob, listBullJobs } from '../brokers/bullmq/bull-jobs';
import { cleanQueue, drainQueue, pauseQueue, promoteDelayed, resumeQueue } from '../brokers/bullmq/bull-queue-actions';
import type { BullMonitor } from '../monitor/bull-monitor';
import { storedSamples } from '../database/minute-samples';
import type { CoreContext, HandlerGroup } from './context';

/**
 * BullMQ queues: counts and history from the environment's monitor; pause, resume, drain (typed
 * confirmation), clean and promote (brokers/bullmq/bull-queue-actions). Roles, write mode, confirmation
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
    'bullmq.storedHistory': async ({ envId, queue, range }) => storedSamples(ctx.runtime(envId).queueSamples, 'BullMQ queue history').bullHistory(bullPrefix(ctx.runtime(envId).env.profile.namespace), queue, range, ctx.clock.now()),
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
      const { wasPaused, isPaused } = await pauseQueue(queue);
      call.note({ before: { isPaused: wasPaused } });
      after(bull);
      return { queue: name, isPaused };
    },
    'bullmq.resume': async ({ envId, queue: name }, call) => {
      const { bull, queue } = target(envId, name);
      const { wasPaused, isPaused } = await resumeQueue(queue);
      call.note({ before: { isPaused: wasPaused } });
      after(bull);
      return { queue: name, isPaused };
    },
    'bullmq.drain': async ({ envId, queue: name, includeDelayed }, call) => {
      const { bull, queue } = target(envId, name);
      const { before, removed } = await drainQueue(queue, includeDelayed);
      call.note({ before });
      after(bull);
      return { queue: name, removed };
    },
    'bullmq.clean': async ({ envId, queue: name, status, olderThanMs, limit }) => {
      const { bull, queue } = target(envId, name);
      const removed = await cleanQueue(queue, status, olderThanMs, limit);
      after(bull);
      return { queue: name, removed };
    },
    'bullmq.promote': async ({ envId, queue: name }, call) => {
      const { bull, queue } = target(envId, name);
      const { delayedBefore, delayedAfter, promoted } = await promoteDelayed(queue);
      call.note({ before: { delayed: delayedBefore }, after: { delayed: delayedAfter } });
      after(bull);
      return { queue: name, promoted };
    },
  };
}
