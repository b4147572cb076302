import { z } from 'zod';

/** One line of this console's hash-chained local audit log. */
export const LocalAuditEntry = z.object({
  seq: z.number().int().min(1),
  /** Epoch ms. */
  at: z.number(),
  /** "Analyst name (os user)". */
  who: z.string(),
  envId: z.string(),
  envName: z.string(),
  /** e.g. `alert.ack`, `dlq.replay`. */
  action: z.string(),
  /** What it acted on: an alert id, a stream, a queue. */
  target: z.string(),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  reason: z.string().optional(),
  /** Hash of the previous entry (64 zeros for the first). */
  prev: z.string(),
  hash: z.string(),
});
export type LocalAuditEntry = z.infer<typeof LocalAuditEntry>;

export const LocalAuditVerification = z.object({
  ok: z.boolean(),
  entries: z.number().int(),
  brokenAt: z.number().int().optional(),
  message: z.string().optional(),
});
export type LocalAuditVerification = z.infer<typeof LocalAuditVerification>;

/** One entry of an environment's team audit stream (`watchfloor:audit`): what any console did. */
export const TeamAuditEntry = z.object({
  streamId: z.string(),
  who: z.string(),
  at: z.number(),
  what: z.string(),
  /** The alert acted on; '' for other actions (purge, replay, claim…), which name a `target`. */
  alertId: z.string(),
  /** What a non-alert action acted on: a stream, queue or consumer. */
  target: z.string().optional(),
  envName: z.string().optional(),
  /** How many things it changed. */
  count: z.number().optional(),
  before: z.unknown().nullable(),
  after: z.unknown(),
  reason: z.string().optional(),
});
export type TeamAuditEntry = z.infer<typeof TeamAuditEntry>;

/** This console's settings that actions are recorded with. */
export const ConsoleSettings = z.object({
  /** The analyst's name, recorded with the OS user on every action. */
  analystName: z.string().max(80).default(''),
});
export type ConsoleSettings = z.infer<typeof ConsoleSettings>;

/** Rows for export: CSV with a header, or JSON lines. */
export function toCsv(rows: Record<string, unknown>[], columns: string[]): string {
  const cell = (v: unknown) => {
    let text = v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);
    // A cell a spreadsheet would run as a formula is kept as text.
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\n') + '\n';
}

export function toJsonl(rows: unknown[]): string {
  return rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : '');
}
