import { CodedError } from '../../../shared/contract/errors';
import type { PubSubService } from '../brokers/redis/pubsub';
import type { CoreContext, HandlerGroup } from './context';

/** Redis pub/sub: channels, live tails (reading only, so allowed on read-only environments) and a test publish (refused there). */
export function pubsubHandlers(ctx: CoreContext): HandlerGroup<'pubsub.'> {
  const serviceOf = (envId: string): PubSubService => {
    ctx.runtime(envId).assertNotCluster('Pub/sub');
    const pubsub = ctx.runtime(envId).pubsub;
    if (!pubsub) throw new CodedError('NOT_FOUND', 'this environment has no Redis');
    return pubsub;
  };
  return {
    'pubsub.channels': async ({ envId }) => serviceOf(envId).channels(ctx.redisOf(envId)),
    'pubsub.startTail': async ({ envId, channel, isPattern }) => serviceOf(envId).startTail(channel, isPattern),
    'pubsub.stopTail': async ({ envId, tailId }) => ({ stopped: await serviceOf(envId).stopTail(tailId) }),
    'pubsub.keepTailsAlive': async ({ envId, tailIds }) => ({ alive: serviceOf(envId).keepAlive(tailIds) }),
    'pubsub.publish': async ({ envId, channel, message }) => {
      const receivers = await serviceOf(envId).publish(ctx.redisOf(envId), channel, message);
      return { channel, receivers };
    },
  };
}
