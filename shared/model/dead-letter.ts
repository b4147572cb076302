import { z } from 'zod';
import { ReplayLineage } from './replay-lineage';

/**
 * The dead-letter entry format on Redis DLQ streams, shared by the workers and the console's
 * "move to DLQ" action: the original entry's fields unchanged (the payload bytes stay as they
 * were), plus these metadata fields.
 */
export const DLQ_FIELDS = {
  originStream: 'dlq_origin_stream',
  originGroup: 'dlq_origin_group',
  originId: 'dlq_origin_id',
  error: 'dlq_error',
  attempts: 'dlq_attempts',
  failedAt: 'dlq_failed_at',
} as const;

/**
 * Marks a replayed entry carries in its origin stream (plain fields, so a replayed entry that
 * fails again keeps them in the DLQ, and the loop guard can count).
 */
export const REPLAY_FIELDS = {
  count: 'replay_count',
  of: 'replay_of',
} as const;

/**
 * The lineage a replayed entry carries (issue 20): a JSON array appended to on every replay, one
 * step per replay (the DLQ entry, why it was dead-lettered, when and by whom it was replayed, the
 * job). Unlike `replay_of` it is never overwritten; see shared/model/replay-lineage.ts.
 */
export const REPLAY_LINEAGE_FIELD = 'replay_lineage';

/** One Redis DLQ stream of an environment. */
export const DeadLetterSource = z.object({
  name: z.string(),
  kind: z.literal('redis-stream'),
  length: z.number(),
  /** Where its entries came from by the naming rule (`x.dlq` → `x`); entries name their own origin too. */
  origin: z.string().nullable(),
});
export type DeadLetterSource = z.infer<typeof DeadLetterSource>;

/** One dead letter as listed and shown. */
export const DeadLetterEntry = z.object({
  id: z.string(),
  originStream: z.string().nullable(),
  originGroup: z.string().nullable(),
  originId: z.string().nullable(),
  error: z.string().nullable(),
  attempts: z.number().nullable(),
  failedAt: z.string().nullable(),
  replayCount: z.number(),
  /** Its earlier replays, oldest first (absent when it was never replayed); its own dlq_* fields are the step after the last. */
  lineage: ReplayLineage.optional(),
  /** Age from the entry id's time, ms. */
  ageMs: z.number(),
  /** The payload field (`data`), or null when the entry has none. */
  payload: z
    .object({
      size: z.number(),
      preview: z.string(),
      encoding: z.enum(['text', 'hex']),
      truncated: z.boolean(),
      /** The preview is the plaintext of an AES-256-GCM payload, opened with the environment's key. */
      decrypted: z.boolean().optional(),
      /** Encrypted, and the key did not open it: the preview is the stored envelope. */
      decryptError: z.string().optional(),
    })
    .nullable(),
  /** Every other field (not metadata), previews. */
  fields: z.record(z.string(), z.string()),
});
export type DeadLetterEntry = z.infer<typeof DeadLetterEntry>;

export const DeadLetterPage = z.object({
  source: z.string(),
  entries: z.array(DeadLetterEntry),
  /** Exclusive cursor for the next page in the same order; null at the end. */
  nextAfter: z.string().nullable(),
});
export type DeadLetterPage = z.infer<typeof DeadLetterPage>;

/** What the processor of a replay's target would make of one entry (issue 21.7). */
export const EntryVerdict = z.discriminatedUnion('verdict', [
  z.object({ verdict: z.literal('passes'), target: z.string(), routes: z.array(z.string()) }),
  z.object({ verdict: z.literal('fails'), target: z.string(), reason: z.string() }),
  z.object({ verdict: z.literal('unchecked'), target: z.string().nullable(), reason: z.string() }),
]);
export type EntryVerdict = z.infer<typeof EntryVerdict>;

/** A dry run's event check (issue 21.7): what the target's processor would make of each entry. */
export const ReplayCheck = z.object({
  /** Valid for the target's processor. */
  passes: z.number(),
  /** Would be dead-lettered again. */
  fails: z.number(),
  /** The target is a stream no pipeline processor reads: not checked. */
  unchecked: z.number(),
  /** The first failing entries with the processor's reason (the count above is exact). */
  failures: z.array(z.object({ id: z.string(), reason: z.string() })),
  /** For events: routing rule → entries it would match. */
  routes: z.record(z.string(), z.number()),
});
export type ReplayCheck = z.infer<typeof ReplayCheck>;

export const ReplayOutcome = z.object({
  source: z.string(),
  dryRun: z.boolean(),
  /** Entries looked at. */
  matched: z.number(),
  replayed: z.number(),
  /** Already gone from the DLQ (replayed or purged by someone else meanwhile). */
  skipped: z.number(),
  failed: z.array(z.object({ id: z.string(), reason: z.string() })),
  /** Where each went: target stream → count. */
  targets: z.record(z.string(), z.number()),
  /** Dry runs only: the event check of the entries that would be replayed. */
  check: ReplayCheck.optional(),
});
export type ReplayOutcome = z.infer<typeof ReplayOutcome>;

/** The DLQ stream a stream dead-letters to by the seeds' naming: `{stream}.dlq`. */
export function deadLetterStreamOf(stream: string): string {
  return `${stream}.dlq`;
}

/**
 * A dry run's event check in one line (the console and the CLI say the same): how many would be
 * dead-lettered again and the first reason, or that every entry passes and which rules it meets.
 */
export function describeCheck(check: ReplayCheck, formatCount: (n: number) => string = String): string {
  const parts: string[] = [];
  if (check.fails > 0) parts.push(`${formatCount(check.fails)} would fail again (${check.failures[0]?.reason ?? 'see the list'}${check.fails > 1 ? ', …' : ''})`);
  if (check.passes > 0) {
    const routes = Object.entries(check.routes).map(([rule, n]) => `${rule} ${formatCount(n)}`).join(', ');
    parts.push(`${formatCount(check.passes)} pass the event check${routes ? ` (routes: ${routes})` : ''}`);
  }
  if (check.unchecked > 0) parts.push(`${formatCount(check.unchecked)} not checked (no pipeline processor reads the target)`);
  return parts.join('; ');
}
