import { z } from 'zod';

/**
 * A replayed message's lineage (issue 20): one step per replay, appended (never overwritten) by
 * the replay scripts to the `replay_lineage` field — a JSON array — so a message that goes round
 * DLQ → origin → DLQ again carries why it was dead-lettered each time, who replayed it, when, and
 * with which job. Stored form, one element per step, keys in this order:
 *
 *   {"dlq":"orders.dlq","dlq_id":"1-0","dlq_origin_stream":"orders","dlq_origin_id":"0-1",
 *    "dlq_origin_group":"router","dlq_error":"…","dlq_attempts":"3","dlq_failed_at":"…",
 *    "replayed_at":"2026-…Z","replayed_by":"ana (ana)","replay_job":"j1","edited":true}
 *
 * plus two kinds of marker element: `{"omitted":N}` first when older steps were cut (at most
 * {@link LINEAGE_LIMITS.maxSteps} are kept), `{"note":"…","raw":"…"}` where an earlier value could
 * not be read (kept as text, never dropped silently). The field is written by Lua on the broker
 * (electron/core/dead-letters/replay-lineage-lua.ts) and anyone can write it, so the host parses
 * it leniently: what it does not understand becomes a note.
 */

export const LINEAGE_LIMITS = {
  /** Steps (and notes) kept; older ones are cut and counted. */
  maxSteps: 20,
  /** Bytes of one `why` text (dlq_error) or note kept in a step. */
  maxTextBytes: 1000,
  /** An existing value longer than this is not parsed: kept as a note. */
  maxPriorBytes: 256 * 1024,
} as const;

/** Keys of a stored step, in the order they are written. */
export const LINEAGE_KEYS = ['omitted', 'note', 'raw', 'dlq', 'dlq_id', 'dlq_origin_stream', 'dlq_origin_id', 'dlq_origin_group', 'dlq_error', 'dlq_attempts', 'dlq_failed_at', 'replayed_at', 'replayed_by', 'replay_job', 'edited'] as const;

/** One replay of the message: the dead letter it was replayed from (and why it was one), when, by whom. */
export const LineageStep = z
  .object({
    dlq: z.string(),
    dlqId: z.string(),
    originStream: z.string().nullable(),
    originId: z.string().nullable(),
    originGroup: z.string().nullable(),
    /** Why it was dead-lettered (the consumer's error; masked like `error` for viewers). */
    error: z.string().nullable(),
    attempts: z.number().nullable(),
    failedAt: z.string().nullable(),
    replayedAt: z.string().nullable(),
    replayedBy: z.string().nullable(),
    job: z.string().nullable(),
    /** Replayed with an edited payload. */
    isEdited: z.boolean(),
  })
  .strict();
export type LineageStep = z.infer<typeof LineageStep>;

export const ReplayLineage = z
  .object({
    /** Oldest first. */
    steps: z.array(LineageStep),
    /** Older steps cut to keep the field bounded. */
    omitted: z.number().int(),
    /** What could not be read (an earlier malformed value, an unknown element). */
    notes: z.array(z.string()),
  })
  .strict();
export type ReplayLineage = z.infer<typeof ReplayLineage>;

/** The stored step a replay appends (the same keys the Lua writes). */
export interface StoredStep {
  dlq: string;
  dlq_id: string;
  dlq_origin_stream?: string;
  dlq_origin_id?: string;
  dlq_origin_group?: string;
  dlq_error?: string;
  dlq_attempts?: string;
  dlq_failed_at?: string;
  replayed_at: string;
  replayed_by: string;
  replay_job?: string;
  edited?: true;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const textOf = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);

const utf8Length = (codePoint: number) => (codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4);

/** UTF-8 bytes of a text (shared/ has no Buffer or TextEncoder). */
export function byteLength(text: string): number {
  let n = 0;
  for (const ch of text) n += utf8Length(ch.codePointAt(0)!);
  return n;
}

/** Cuts a text to `maxBytes` UTF-8 bytes on a character boundary, marking the cut with "…" (as the Lua does). */
export function capText(text: string, maxBytes: number = LINEAGE_LIMITS.maxTextBytes): string {
  let n = 0;
  let end = 0;
  for (const ch of text) {
    const size = utf8Length(ch.codePointAt(0)!);
    if (n + size > maxBytes) return `${text.slice(0, end)}…`;
    n += size;
    end += ch.length;
  }
  return text;
}

/** Reads a stored lineage value; never throws (what it cannot read is a note). */
export function parseLineage(text: string): ReplayLineage {
  const lineage: ReplayLineage = { steps: [], omitted: 0, notes: [] };
  let decoded: unknown;
  try {
    decoded = JSON.parse(text);
  } catch {
    lineage.notes.push(`lineage unreadable (not JSON): ${text.slice(0, 200)}`);
    return lineage;
  }
  if (!Array.isArray(decoded)) {
    lineage.notes.push(`lineage unreadable (not a list): ${text.slice(0, 200)}`);
    return lineage;
  }
  decoded.forEach((element, index) => {
    if (isRecord(element) && typeof element.omitted === 'number' && element.dlq === undefined) {
      if (index === 0) lineage.omitted += Math.max(0, Math.floor(element.omitted));
      return;
    }
    if (isRecord(element) && typeof element.note === 'string') {
      lineage.notes.push(typeof element.raw === 'string' && element.raw ? `${element.note}: ${element.raw}` : element.note);
      return;
    }
    if (isRecord(element) && typeof element.dlq === 'string' && typeof element.dlq_id === 'string') {
      const attempts = textOf(element.dlq_attempts);
      lineage.steps.push({
        dlq: element.dlq,
        dlqId: element.dlq_id,
        originStream: textOf(element.dlq_origin_stream),
        originId: textOf(element.dlq_origin_id),
        originGroup: textOf(element.dlq_origin_group),
        error: textOf(element.dlq_error),
        attempts: attempts !== null && attempts !== '' && Number.isFinite(Number(attempts)) ? Number(attempts) : null,
        failedAt: textOf(element.dlq_failed_at),
        replayedAt: textOf(element.replayed_at),
        replayedBy: textOf(element.replayed_by),
        job: textOf(element.replay_job),
        isEdited: element.edited === true,
      });
      return;
    }
    lineage.notes.push(`a lineage step was not understood: ${JSON.stringify(element).slice(0, 200)}`);
  });
  return lineage;
}

/** One element in the stored key order (unknown keys after, sorted), as the Lua writes it. */
function encodeElement(element: unknown): string {
  if (!isRecord(element)) return JSON.stringify(element) ?? 'null';
  const known = new Set<string>(LINEAGE_KEYS);
  const keys = [...LINEAGE_KEYS.filter((k) => element[k] !== undefined), ...Object.keys(element).filter((k) => !known.has(k)).sort()];
  return `{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(element[k])}`).join(',')}}`;
}

/**
 * The value a replay writes: the existing lineage (or none) with `step` appended, cut to the last
 * {@link LINEAGE_LIMITS.maxSteps}. The same algorithm as the replay scripts' Lua (the dry-run
 * preview shows it; the integration test checks the two agree).
 */
export function appendLineage(prior: string | null, step: StoredStep): string {
  const items: unknown[] = [];
  let omitted = 0;
  if (prior !== null) {
    let decoded: unknown;
    let isRead = false;
    if (byteLength(prior) <= LINEAGE_LIMITS.maxPriorBytes) {
      try {
        decoded = JSON.parse(prior);
        isRead = Array.isArray(decoded);
      } catch {
        isRead = false;
      }
    }
    if (isRead) {
      (decoded as unknown[]).forEach((element, index) => {
        if (index === 0 && isRecord(element) && typeof element.omitted === 'number' && element.dlq === undefined) omitted = Math.floor(element.omitted);
        else items.push(element);
      });
    } else items.push({ note: 'earlier lineage unreadable, kept as text', raw: capText(prior, 4 * LINEAGE_LIMITS.maxTextBytes) });
  }
  items.push(step);
  while (items.length > LINEAGE_LIMITS.maxSteps) {
    items.shift();
    omitted++;
  }
  return `[${[...(omitted > 0 ? [`{"omitted":${omitted}}`] : []), ...items.map(encodeElement)].join(',')}]`;
}

/** One link of the chain the detail views show: `text` is `label detail`. */
export interface ChainLink {
  kind: 'original' | 'dead-lettered' | 'replayed' | 'note';
  label: string;
  detail: string;
  text: string;
}

/** What a dead-lettering looked like, for the chain. */
export interface DeadLettering {
  error: string | null;
  attempts: number | null;
  failedAt: string | null;
  originGroup: string | null;
}

const why = (d: DeadLettering) => {
  const parts = [d.error ?? 'no error recorded'];
  if (d.attempts !== null) parts.push(`${d.attempts} ${d.attempts === 1 ? 'attempt' : 'attempts'}`);
  if (d.originGroup) parts.push(`group ${d.originGroup}`);
  return parts.join(', ');
};

const link = (kind: ChainLink['kind'], label: string, detail: string): ChainLink => ({ kind, label, detail, text: detail ? `${label} ${detail}` : label });

/**
 * The chain "original → dead-lettered (why) → replayed (by whom, when) → dead-lettered again …"
 * of a message: its lineage, then — for a dead letter — its own dead-lettering as the last step
 * (`current`; null for a replayed entry in its origin stream). Without lineage, the original is
 * the current dead letter's own origin. `formatTime` renders the stored ISO times.
 */
export function lineageChain(
  lineage: ReplayLineage | undefined,
  current: (DeadLettering & { originStream: string | null; originId: string | null }) | null,
  formatTime: (iso: string) => string = (iso) => iso,
): ChainLink[] {
  const links: ChainLink[] = [];
  const steps = lineage?.steps ?? [];
  const time = (iso: string | null) => (iso ? formatTime(iso) : '(time unknown)');
  for (const note of lineage?.notes ?? []) links.push(link('note', 'note:', note));
  const first = steps[0];
  const isCut = (lineage?.omitted ?? 0) > 0;
  if (isCut) links.push(link('note', `${lineage!.omitted} earlier ${lineage!.omitted === 1 ? 'step' : 'steps'} cut`, `(the last ${LINEAGE_LIMITS.maxSteps} are kept)`));
  else links.push(link('original', 'original', `${(first ? first.originStream : current?.originStream) ?? '?'}/${(first ? first.originId : current?.originId) ?? '?'}`));
  steps.forEach((step, i) => {
    links.push(link('dead-lettered', i === 0 && !isCut ? 'dead-lettered' : 'dead-lettered again', `${time(step.failedAt)} to ${step.dlq} (${why(step)})`));
    links.push(link('replayed', 'replayed', `${time(step.replayedAt)} by ${step.replayedBy || '(unknown)'}${step.job ? ` [job ${step.job}]` : ''}${step.isEdited ? ' with an edited payload' : ''}`));
  });
  if (current) links.push(link('dead-lettered', steps.length > 0 || isCut ? 'dead-lettered again' : 'dead-lettered', `${time(current.failedAt)} (${why(current)})`));
  return links;
}
