import { z } from 'zod';
import { EnvId } from './common';

/** The destructive actions that need a one-time confirmation token from `confirm.issue`. */
export const ConfirmAction = z.enum(['queues.purge', 'bullmq.drain', 'bullmq.clean', 'dlq.purge', 'dlq.replay', 'streams.deleteConsumer']);
export type ConfirmAction = z.infer<typeof ConfirmAction>;

/** Replaying more than this many dead letters at once (or `all`) needs a confirmation token. */
export const BULK_REPLAY_CONFIRM_ABOVE = 100;

export const ConfirmToken = z.string().regex(/^[0-9a-f]{32}$/, 'a confirmation token from confirm.issue');

export const confirmMethods = {
  /**
   * A one-time token for a destructive action, issued when `typed` equals `target` (the queue,
   * DLQ or consumer name) and the role and write mode allow the action. Good for one call, 60 s.
   */
  'confirm.issue': {
    params: z.object({ envId: EnvId, action: ConfirmAction, target: z.string().min(1).max(1024), typed: z.string().max(1024) }).strict(),
    result: z.object({ token: z.string(), expiresAt: z.number() }),
  },
} as const;
