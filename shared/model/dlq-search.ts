import { z } from 'zod';
import { DeadLetterEntry } from './dead-letter';

/**
 * What to look for in a dead-letter stream; every given condition must hold. `field` is a dotted
 * path into the payload parsed as JSON (`event.severity`, `tags.0`) compared as text.
 */
export const DlqMatch = z
  .object({
    text: z.string().min(1).max(1000).optional(),
    field: z.object({ path: z.string().min(1).max(256), value: z.string().max(1000) }).strict().optional(),
    error: z.string().min(1).max(1000).optional(),
    origin: z.string().min(1).max(1024).optional(),
    /** Failed at or after / before (entry id time), epoch ms. */
    from: z.number().int().min(0).optional(),
    to: z.number().int().min(0).optional(),
  })
  .strict();
export type DlqMatch = z.infer<typeof DlqMatch>;

/** One bounded step of a search, newest first: call again with `before` until `done`. */
export const DlqSearchStep = z.object({
  source: z.string(),
  matches: z.array(DeadLetterEntry),
  /** Entries looked at in this step. */
  scanned: z.number().int(),
  /** Length of the stream when the step ran (for a progress bar). */
  total: z.number().int(),
  /** Exclusive cursor for the next step, null when the whole stream has been searched. */
  before: z.string().nullable(),
});
export type DlqSearchStep = z.infer<typeof DlqSearchStep>;

export const DlqGroups = z.object({
  source: z.string(),
  byError: z.array(z.object({ key: z.string(), count: z.number().int(), example: z.string() })),
  byOrigin: z.array(z.object({ key: z.string(), count: z.number().int() })),
  scanned: z.number().int(),
  total: z.number().int(),
  /** Only the newest `scanned` entries were grouped. */
  truncated: z.boolean(),
});
export type DlqGroups = z.infer<typeof DlqGroups>;

/** A dotted path's value in a parsed JSON value, as text (objects as JSON), or undefined. */
export function valueAtPath(root: unknown, path: string): string | undefined {
  let at: unknown = root;
  for (const part of path.split('.')) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  if (at === undefined) return undefined;
  return typeof at === 'string' ? at : JSON.stringify(at);
}

/** An error message with its variable parts (ids, numbers, quoted values) folded, so the same failure groups together. */
export function errorShape(message: string): string {
  return message
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<id>')
    .replace(/\b\d+-\d+\b/g, '<entry>')
    .replace(/"[^"]*"|'[^']*'/g, '<value>')
    .replace(/\b\d+(\.\d+)?\b/g, '<n>')
    .slice(0, 300);
}
