import type { Result, ResultOf } from '../../../shared/contract';
import type { BullJobAction } from '../../../shared/model/bull-jobs';
import { withConfirmation } from '../api/confirm';
import type { AppServices } from '../services';

/**
 * Every state-changing queue call of the renderer (issue 16): purging a RabbitMQ queue and the
 * BullMQ queue and job actions. The queue views read the pushed overviews, which show the change
 * at the next tick; callers only report the outcome. Destructive ones take `typed`, the name the
 * analyst typed, which buys the one-time confirmation token.
 */

type Services = Pick<AppServices, 'client'>;

/** Deletes every ready message of a RabbitMQ queue. */
export function purgeQueue({ client }: Services, envId: string, queue: string, typed: string): Promise<Result<ResultOf<'queues.purge'>>> {
  return withConfirmation(client, { envId, action: 'queues.purge', target: queue, typed }, (confirmToken) => client.call('queues.purge', { envId, queue, confirmToken }));
}

/** Pauses a BullMQ queue (every worker of every host takes no new job) or resumes it. */
export function setBullQueuePaused({ client }: Services, envId: string, queue: string, isPaused: boolean): Promise<Result<ResultOf<'bullmq.pause'>>> {
  return client.call(isPaused ? 'bullmq.pause' : 'bullmq.resume', { envId, queue });
}

/** Makes every delayed job of a BullMQ queue waiting at once. */
export function promoteBullQueue({ client }: Services, envId: string, queue: string): Promise<Result<ResultOf<'bullmq.promote'>>> {
  return client.call('bullmq.promote', { envId, queue });
}

/** Removes finished jobs (`status`) older than `olderThanMs` from a BullMQ queue for good. */
export function cleanBullQueue(
  { client }: Services,
  envId: string,
  queue: string,
  clean: { status: 'completed' | 'failed'; olderThanMs: number },
  typed: string,
): Promise<Result<ResultOf<'bullmq.clean'>>> {
  return withConfirmation(client, { envId, action: 'bullmq.clean', target: queue, typed }, (confirmToken) =>
    client.call('bullmq.clean', { envId, queue, status: clean.status, olderThanMs: clean.olderThanMs, confirmToken }),
  );
}

/** Deletes every waiting job of a BullMQ queue (and the delayed ones with `includeDelayed`). */
export function drainBullQueue({ client }: Services, envId: string, queue: string, includeDelayed: boolean, typed: string): Promise<Result<ResultOf<'bullmq.drain'>>> {
  return withConfirmation(client, { envId, action: 'bullmq.drain', target: queue, typed }, (confirmToken) => client.call('bullmq.drain', { envId, queue, includeDelayed, confirmToken }));
}

/** Retries, promotes or removes one BullMQ job. */
export function actOnBullJob({ client }: Services, envId: string, queue: string, id: string, action: BullJobAction): Promise<Result<ResultOf<'bullmq.jobAction'>>> {
  return client.call('bullmq.jobAction', { envId, queue, id, action });
}
