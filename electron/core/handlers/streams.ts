import { CodedError } from '../../../shared/contract/errors';
import { deadLetterStreamOf } from '../../../shared/model/dead-letter';
import { pendingPage } from '../brokers/redis/pending-entries';
import { entriesPage } from '../brokers/redis/stream-entries';
import { acknowledge, claimIdle, deleteConsumer, moveOverDeliveredToDlq } from '../brokers/redis/stream-actions';
import { storedSamples } from '../database/minute-samples';
import type { CoreContext, HandlerGroup } from './context';

/**
 * Redis Streams: history, pending entries and the operator actions. Role, write mode, confirmation
 * and audit are the dispatcher's (declared in the contract).
 */
export function streamHandlers(ctx: CoreContext): HandlerGroup<'streams.'> {
  return {
    'streams.history': async ({ envId, stream, windowSeconds, maxPoints }) => {
      const history = ctx.runtime(envId).monitor.history;
      if (!history.knows(stream)) throw new CodedError('NOT_FOUND', `no stream "${stream}" has been seen in this environment`);
      return history.query(stream, ctx.clock.now(), windowSeconds, maxPoints);
    },
    'streams.storedHistory': async ({ envId, stream, range }) => {
      return storedSamples(ctx.runtime(envId).streamSamples, 'stream history').history(stream, range, ctx.clock.now());
    },
    'streams.pending': async ({ envId, stream, group, after, count }) => pendingPage(ctx.anyRedisOf(envId), stream, group, count, after),
    'streams.entries': async ({ envId, stream, order, after, from, count, previewBytes }) =>
      entriesPage(ctx.anyRedisOf(envId), stream, { order, count, previewBytes, ...(after ? { after } : {}), ...(from ? { from } : {}) }, ctx.runtime(envId).env.payloadKey),
    'streams.claim': async ({ envId, stream, group, consumer, minIdleMs }) => claimIdle(ctx.anyRedisOf(envId), stream, group, consumer, minIdleMs),
    'streams.ack': async ({ envId, stream, group, ids }) => acknowledge(ctx.anyRedisOf(envId), stream, group, ids),
    'streams.moveToDeadLetter': async ({ envId, stream, group, minDeliveries, deadLetterStream }) => {
      const target = deadLetterStream ?? deadLetterStreamOf(stream);
      const result = await moveOverDeliveredToDlq(ctx.redisOf(envId, 'Moving entries to a dead-letter stream (one script over two streams)'), stream, group, minDeliveries, target, ctx.clock.now());
      return { ...result, deadLetterStream: target };
    },
    'streams.deleteConsumer': async ({ envId, stream, group, consumer, force }) => deleteConsumer(ctx.anyRedisOf(envId), stream, group, consumer, force),
  };
}
