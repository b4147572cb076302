import { z } from 'zod';

/** The lists a BullMQ queue keeps its jobs in, as bull-board shows them (BullMQ's own names). */
export const BULL_JOB_STATES = ['waiting', 'prioritized', 'active', 'delayed', 'waiting-children', 'failed', 'completed'] as const;
export const BullJobState = z.enum(BULL_JOB_STATES);
export type BullJobState = z.infer<typeof BullJobState>;

/** A preview of a job's JSON field (data, return value): at most a few KiB, hex when not text. */
export const BullJobValue = z.object({
  size: z.number().int(),
  preview: z.string(),
  encoding: z.enum(['text', 'hex']),
  truncated: z.boolean(),
  /** False when the stored text is not JSON (written by something other than BullMQ). */
  isJson: z.boolean(),
});
export type BullJobValue = z.infer<typeof BullJobValue>;

/** One job as read from its hash, without the `bullmq` package's JSON.parse (a malformed job still shows). */
export const BullJob = z.object({
  id: z.string(),
  name: z.string(),
  state: BullJobState,
  data: BullJobValue,
  /** Epoch ms the job was added. */
  createdAt: z.number().nullable(),
  /** Epoch ms its last attempt started. */
  processedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
  /** Delayed jobs: epoch ms they become waiting. */
  dueAt: z.number().nullable(),
  attemptsMade: z.number().int(),
  /** `opts.attempts`: how many tries the job gets (1 when not set). */
  attempts: z.number().int(),
  priority: z.number().int(),
  /** Times a worker lost its lock on the job (stalled) and it was taken again. */
  stalledCount: z.number().int(),
  /** The worker that took it last (BullMQ's worker name), when it has one. */
  processedBy: z.string().nullable(),
  failedReason: z.string().nullable(),
  /** The stack traces of its failed attempts, newest first (each cut at 4 KiB, at most 10). */
  stacktrace: z.array(z.string()),
  returnValue: BullJobValue.nullable(),
  /** `job.updateProgress`: a number or JSON. */
  progress: z.string().nullable(),
  /** The job's hash is gone (removed between listing and reading). */
  isMissing: z.boolean(),
});
export type BullJob = z.infer<typeof BullJob>;

export const BullJobPage = z.object({
  queue: z.string(),
  state: BullJobState,
  /** Jobs in this state now. */
  total: z.number().int(),
  start: z.number().int(),
  jobs: z.array(BullJob),
});
export type BullJobPage = z.infer<typeof BullJobPage>;

export const BullJobAction = z.enum(['retry', 'remove', 'promote']);
export type BullJobAction = z.infer<typeof BullJobAction>;

/** Which per-job actions BullMQ allows in a state (retry: finished jobs; promote: delayed; remove: all but active, which a worker holds). */
export function bullJobActions(state: BullJobState): BullJobAction[] {
  const actions: BullJobAction[] = [];
  if (state === 'failed' || state === 'completed') actions.push('retry');
  if (state === 'delayed') actions.push('promote');
  if (state !== 'active') actions.push('remove');
  return actions;
}
