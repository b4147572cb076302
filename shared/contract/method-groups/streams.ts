import { z } from 'zod';
import { ConfirmToken } from './confirm';
import { PendingPage, StreamHistory } from '../../model/overview';
import { ConsumerName, EntryId, EnvId, GroupName, StreamName } from './common';

/** Redis Streams: history, the pending-entries list and the operator actions. */
export const streamMethods = {
  'streams.history': {
    params: z
      .object({
        envId: EnvId,
        stream: StreamName,
        windowSeconds: z.number().int().min(60).max(3600).default(900),
        maxPoints: z.number().int().min(10).max(1000).default(300),
      })
      .strict(),
    result: StreamHistory,
  },
  'streams.pending': {
    params: z
      .object({
        envId: EnvId,
        stream: StreamName,
        group: GroupName,
        /** Exclusive cursor: the last id of the previous page. */
        after: EntryId.optional(),
        count: z.number().int().min(1).max(500).default(100),
      })
      .strict(),
    result: PendingPage,
  },
  'streams.claim': {
    params: z.object({ envId: EnvId, stream: StreamName, group: GroupName, consumer: ConsumerName, minIdleMs: z.number().int().min(0) }).strict(),
    result: z.object({ claimed: z.number(), deletedIds: z.array(z.string()) }),
  },
  'streams.ack': {
    params: z.object({ envId: EnvId, stream: StreamName, group: GroupName, ids: z.array(EntryId).min(1).max(1000) }).strict(),
    result: z.object({ acknowledged: z.number() }),
  },
  'streams.moveToDeadLetter': {
    params: z
      .object({
        envId: EnvId,
        stream: StreamName,
        group: GroupName,
        /** Entries delivered more than this many times are moved. */
        minDeliveries: z.number().int().min(1),
        /** Target DLQ stream; default `{stream}.dlq`. */
        deadLetterStream: StreamName.optional(),
      })
      .strict(),
    result: z.object({ moved: z.number(), scanned: z.number(), deadLetterStream: z.string() }),
  },
  'streams.deleteConsumer': {
    params: z.object({ envId: EnvId, stream: StreamName, group: GroupName, consumer: ConsumerName, force: z.boolean().default(false), /** From `confirm.issue` (action `streams.deleteConsumer`, target the consumer). */ confirmToken: ConfirmToken }).strict(),
    result: z.object({ droppedPending: z.number() }),
  },
} as const;
