import { CodedError } from '../../../shared/contract/errors';
import { deadLetterStreamOf } from '../../../shared/model/dead-letter';
import { pendingPage } from '../brokers/redis/pending-entries';
import { acknowledge, claimIdle, deleteConsumer, moveOverDeliveredToDlq } from '../brokers/redis/stream-actions';
import type { CoreContext, HandlerGroup } from './context';

/** Redis Streams: history, pending entries and the operator actions (refused on read-only environments). */
export function streamHandlers(ctx: CoreContext): HandlerGroup<'streams.'> {
  return {
    'streams.history': async ({ envId, stream, windowSeconds, maxPoints }) => {
      const history = ctx.runtime(envId).monitor.history;
      if (!history.knows(stream)) throw new CodedError('NOT_FOUND', `no stream "${stream}" has been seen in this environment`);
      return history.query(stream, ctx.clock.now(), windowSeconds, maxPoints);
    },
    'streams.pending': async ({ envId, stream, group, after, count }) => pendingPage(ctx.anyRedisOf(envId), stream, group, count, after),
    'streams.claim': async ({ envId, stream, group, consumer, minIdleMs }) => {
      ctx.environments.assertAllowed(envId, 'claim pending entries');
      return claimIdle(ctx.anyRedisOf(envId), stream, group, consumer, minIdleMs);
    },
    'streams.ack': async ({ envId, stream, group, ids }) => {
      ctx.environments.assertAllowed(envId, 'acknowledge entries');
      return acknowledge(ctx.anyRedisOf(envId), stream, group, ids);
    },
    'streams.moveToDeadLetter': async ({ envId, stream, group, minDeliveries, deadLetterStream }) => {
      ctx.environments.assertAllowed(envId, 'move entries to the dead-letter stream');
      const target = deadLetterStream ?? deadLetterStreamOf(stream);
      const result = await moveOverDeliveredToDlq(ctx.redisOf(envId, 'Moving entries to a dead-letter stream (one script over two streams)'), stream, group, minDeliveries, target, ctx.clock.now());
      return { ...result, deadLetterStream: target };
    },
    'streams.deleteConsumer': async ({ envId, stream, group, consumer, force, confirmToken }) => {
      ctx.environments.assertAllowed(envId, 'delete a consumer', 'administer');
      ctx.confirmations.consume(confirmToken, envId, 'streams.deleteConsumer', consumer);
      return deleteConsumer(ctx.anyRedisOf(envId), stream, group, consumer, force);
    },
  };
}
