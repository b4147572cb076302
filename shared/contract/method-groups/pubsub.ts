import { z } from 'zod';
import { PubSubChannels, PubSubTailBatch } from '../../model/pubsub';
import { EnvId } from './common';
import { write } from '../access';

/** Largest message `pubsub.publish` sends (a test message, not a bulk tool). */
export const MAX_PUBLISH_BYTES = 64 * 1024;
const ChannelName = z.string().min(1).max(1024);
const TailId = z.string().min(1).max(64);

/** Redis pub/sub (seed 004): channels, live tails and a test publish. */
export const pubsubMethods = {
  'pubsub.channels': { params: z.object({ envId: EnvId }).strict(), result: PubSubChannels },
  'pubsub.startTail': {
    params: z.object({ envId: EnvId, channel: ChannelName, isPattern: z.boolean().default(false) }).strict(),
    result: z.object({ tailId: z.string(), channel: z.string(), isPattern: z.boolean() }),
  },
  'pubsub.stopTail': { params: z.object({ envId: EnvId, tailId: TailId }).strict(), result: z.object({ stopped: z.boolean() }) },
  /** Tails expire 2 minutes after the last keep-alive, so a closed page leaves no subscription behind. */
  'pubsub.keepTailsAlive': {
    params: z.object({ envId: EnvId, tailIds: z.array(TailId).max(16) }).strict(),
    result: z.object({ alive: z.array(z.string()) }),
  },
  'pubsub.publish': write({
    params: z.object({ envId: EnvId, channel: ChannelName, message: z.string().max(MAX_PUBLISH_BYTES) }).strict(),
    result: z.object({ channel: z.string(), receivers: z.number() }),
    access: 'operator',
    audit: { target: (p) => p.channel, count: () => 1, detail: (r, p) => ({ receivers: r.receivers, characters: p.message.length }) },
  }),
} as const;

export const pubsubMessagesEvent = z.object({ batches: z.array(PubSubTailBatch) });
