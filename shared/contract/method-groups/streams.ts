import { z } from 'zod';
import { ConfirmToken } from './confirm';
import { write } from '../access';
import { PendingPage, StreamHistory } from '../../model/overview';
import { STREAM_ENTRY_LIMITS, StreamEntriesPage } from '../../model/stream-entries';
import { ConsumerName, EntryId, EnvId, GroupName, StreamName, HistoryWindow, StoredRange } from './common';

/** Redis Streams: history, the pending-entries list and the operator actions. */
export const streamMethods = {
  'streams.history': {
    params: z
      .object({
        envId: EnvId,
        stream: StreamName,
        ...HistoryWindow,
      })
      .strict(),
    result: StreamHistory,
  },
  /** A stream's history past the live hour, from the environment's database: 24 h in 5-minute, 7 d in 1-hour buckets. */
  'streams.storedHistory': {
    params: z.object({ envId: EnvId, stream: StreamName, range: StoredRange }).strict(),
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
  'streams.entries': {
    params: z
      .object({
        envId: EnvId,
        stream: StreamName,
        order: z.enum(['newest', 'oldest']).default('newest'),
        /** Exclusive cursor: the last id of the previous page. */
        after: EntryId.optional(),
        /** Inclusive start, an entry id or a millisecond time (`1700000000000`); used when there is no cursor. */
        from: z.string().regex(/^\d{1,16}(-\d{1,20})?$/, 'expected an entry id (1700000000000-0) or a millisecond time').optional(),
        count: z.number().int().min(1).max(200).default(50),
        /** Preview bytes per field: small in lists, large when one entry is opened. */
        previewBytes: z.number().int().min(64).max(STREAM_ENTRY_LIMITS.maxPreviewBytes).default(1024),
      })
      .strict(),
    result: StreamEntriesPage,
  },
  'streams.claim': write({
    params: z.object({ envId: EnvId, stream: StreamName, group: GroupName, consumer: ConsumerName, minIdleMs: z.number().int().min(0) }).strict(),
    result: z.object({ claimed: z.number(), deletedIds: z.array(z.string()) }),
    access: 'operator',
    audit: { target: (p) => `${p.stream} / ${p.group} → ${p.consumer}`, count: (r) => r.claimed, detail: (r, p) => ({ minIdleMs: p.minIdleMs, deleted: r.deletedIds.length }) },
  }),
  'streams.ack': write({
    params: z.object({ envId: EnvId, stream: StreamName, group: GroupName, ids: z.array(EntryId).min(1).max(1000) }).strict(),
    result: z.object({ acknowledged: z.number() }),
    access: 'operator',
    audit: { target: (p) => `${p.stream} / ${p.group}`, count: (r) => r.acknowledged, detail: (_r, p) => ({ requested: p.ids.length }) },
  }),
  'streams.moveToDeadLetter': write({
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
    access: 'operator',
    audit: { target: (p) => `${p.stream} / ${p.group}`, count: (r) => r.moved, detail: (r, p) => ({ scanned: r.scanned, deadLetterStream: r.deadLetterStream, minDeliveries: p.minDeliveries }) },
  }),
  'streams.deleteConsumer': write({
    params: z.object({ envId: EnvId, stream: StreamName, group: GroupName, consumer: ConsumerName, force: z.boolean().default(false), /** From `confirm.issue` (action `streams.deleteConsumer`, target the consumer). */ confirmToken: ConfirmToken }).strict(),
    result: z.object({ droppedPending: z.number() }),
    access: 'admin',
    confirm: { action: 'streams.deleteConsumer', target: (p) => p.consumer },
    audit: { target: (p) => `${p.stream} / ${p.group} / ${p.consumer}`, count: (r) => r.droppedPending, detail: (_r, p) => ({ force: p.force }) },
  }),
} as const;
