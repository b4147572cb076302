import { z } from 'zod';
import { ConfirmToken } from './confirm';
import { write } from '../access';
import { BullOverview, BullQueueHistory } from '../../model/bullmq';
import { BullJobAction, BullJobPage, BullJobState } from '../../model/bull-jobs';
import { EnvId, HistoryWindow, StoredRange } from './common';

/** A BullMQ queue name (BullMQ refuses ':' in names). */
export const BullQueueName = z.string().min(1).max(255).regex(/^[^:]+$/, 'a BullMQ queue name has no ":"');
const Target = z.object({ envId: EnvId, queue: BullQueueName }).strict();
const Outcome = z.object({ queue: z.string(), isPaused: z.boolean() });

/** BullMQ queues (seed 003): counts, history and administration through the `bullmq` package. */
export const bullmqMethods = {
  'bullmq.queues': { params: z.object({ envId: EnvId }).strict(), result: BullOverview },
  'bullmq.history': {
    params: z
      .object({
        envId: EnvId,
        queue: BullQueueName,
        ...HistoryWindow,
      })
      .strict(),
    result: BullQueueHistory,
  },
  /** A BullMQ queue's job counts past the live hour, from the environment's database: 24 h in 5-minute, 7 d in 1-hour buckets. */
  'bullmq.storedHistory': {
    params: z.object({ envId: EnvId, queue: BullQueueName, range: StoredRange }).strict(),
    result: BullQueueHistory,
  },
  /** A page of one state's jobs (bull-board's list): data, timestamps, attempts, failure reason, stack traces. */
  'bullmq.jobs': {
    params: z
      .object({
        envId: EnvId,
        queue: BullQueueName,
        state: BullJobState,
        start: z.number().int().min(0).default(0),
        count: z.number().int().min(1).max(200).default(50),
        /** newest: the most recently added/finished first; oldest: the next to run (waiting) or next due (delayed) first. */
        order: z.enum(['newest', 'oldest']).default('newest'),
      })
      .strict(),
    result: BullJobPage,
  },
  /** One job: retry (failed/completed), promote (delayed) or remove (any but active). */
  'bullmq.jobAction': write({
    params: z.object({ envId: EnvId, queue: BullQueueName, id: z.string().min(1).max(256), action: BullJobAction }).strict(),
    result: z.object({ queue: z.string(), id: z.string(), action: BullJobAction, before: z.string(), after: z.string() }),
    access: 'operator',
    audit: { action: (p) => `bullmq.job.${p.action}`, target: (p) => `${p.queue}/${p.id}`, detail: (r) => ({ before: r.before, after: r.after }) },
  }),
  'bullmq.pause': write({ params: Target, result: Outcome, access: 'operator', audit: { target: (p) => p.queue, detail: (r) => ({ isPaused: r.isPaused }) } }),
  'bullmq.resume': write({ params: Target, result: Outcome, access: 'operator', audit: { target: (p) => p.queue, detail: (r) => ({ isPaused: r.isPaused }) } }),
  'bullmq.drain': write({
    params: z
      .object({
        envId: EnvId,
        queue: BullQueueName,
        /** Also remove delayed jobs. */
        includeDelayed: z.boolean().default(false),
        /** From `confirm.issue` (action `bullmq.drain`, target the queue, its name typed). */
        confirmToken: ConfirmToken,
      })
      .strict(),
    result: z.object({ queue: z.string(), removed: z.number() }),
    access: 'admin',
    confirm: { action: 'bullmq.drain', target: (p) => p.queue },
    audit: { target: (p) => p.queue, count: (r) => r.removed, detail: (_r, p) => ({ includeDelayed: p.includeDelayed }) },
  }),
  'bullmq.clean': write({
    params: z
      .object({
        envId: EnvId,
        queue: BullQueueName,
        status: z.enum(['completed', 'failed']),
        /** Only jobs finished longer ago than this. */
        olderThanMs: z.number().int().min(0),
        limit: z.number().int().min(1).max(100_000).default(10_000),
        /** From `confirm.issue` (action `bullmq.clean`, target the queue, its name typed). */
        confirmToken: ConfirmToken,
      })
      .strict(),
    result: z.object({ queue: z.string(), removed: z.number() }),
    access: 'admin',
    confirm: { action: 'bullmq.clean', target: (p) => p.queue },
    audit: { target: (p) => p.queue, count: (r) => r.removed, detail: (_r, p) => ({ status: p.status, olderThanMs: p.olderThanMs, limit: p.limit }) },
  }),
  'bullmq.promote': write({ params: Target, result: z.object({ queue: z.string(), promoted: z.number() }), access: 'operator', audit: { target: (p) => p.queue, count: (r) => r.promoted } }),
} as const;

/** Pushed with the BullMQ overview of each environment that changed since the last flush. */
export const bullmqTickEvent = z.object({ overviews: z.array(BullOverview), dropped: z.number() });
