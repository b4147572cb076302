import type { Redis } from 'ioredis';
import { CodedError } from '../../../shared/contract/errors';
import { DLQ_FIELDS } from '../../../shared/model/dead-letter';
import { errorShape, valueAtPath, type DlqGroups, type DlqMatch, type DlqSearchStep } from '../../../shared/model/dlq-search';
import { STREAM_PAYLOAD_FIELD } from '../../../shared/model/topology';
import { idTime } from '../brokers/redis/stream-sampler';
import { decryptPayload } from '../payload-crypto';
import { DLQ_LIMITS, toEntry } from './redis-dlq';

type RawEntry = [Buffer, Buffer[]];

/** Entries read per command while searching, grouping or exporting. */
export const SCAN_BATCH = 1000;

function fieldOf(raw: RawEntry, name: string): Buffer | undefined {
  const values = raw[1];
  for (let i = 0; i + 1 < values.length; i += 2) if (values[i]!.toString() === name) return values[i + 1];
  return undefined;
}

/** Whether one raw entry satisfies every condition of `match` (payload decrypted with the key, if any). */
export function entryMatches(raw: RawEntry, match: DlqMatch, payloadKey: Buffer | null): boolean {
  const at = idTime(raw[0].toString());
  if (match.from !== undefined && at < match.from) return false;
  if (match.to !== undefined && at >= match.to) return false;
  if (match.error && !(fieldOf(raw, DLQ_FIELDS.error)?.toString() ?? '').toLowerCase().includes(match.error.toLowerCase())) return false;
  if (match.origin && !(fieldOf(raw, DLQ_FIELDS.originStream)?.toString() ?? '').includes(match.origin)) return false;
  if (match.text || match.field) {
    let payload = fieldOf(raw, STREAM_PAYLOAD_FIELD) ?? Buffer.alloc(0);
    if (payloadKey) {
      const opened = decryptPayload(payload, payloadKey);
      if (opened && 'plain' in opened) payload = opened.plain;
    }
    if (match.text && !payload.toString('utf8').toLowerCase().includes(match.text.toLowerCase())) return false;
    if (match.field) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(payload.toString('utf8'));
      } catch {
        return false;
      }
      if (valueAtPath(parsed, match.field.path) !== match.field.value) return false;
    }
  }
  return true;
}

/**
 * One bounded step of a search, newest first: reads at most `maxScan` entries before the cursor
 * (in batches of 1,000) and returns what matched. The caller drives the steps — a progress bar
 * from `scanned`/`total`, cancel by not asking for the next one — so the host never runs an
 * unbounded scan.
 */
export async function searchStep(client: Redis, source: string, match: DlqMatch, before: string | undefined, maxScan: number, limit: number, now: number, payloadKey: Buffer | null): Promise<DlqSearchStep> {
  if ((await client.exists(source)) === 0) throw new CodedError('NOT_FOUND', `no dead-letter stream "${source}"`);
  const total = await client.xlen(source);
  const matches: DlqSearchStep['matches'] = [];
  let scanned = 0;
  let cursor = before;
  let reachedEnd = false;
  while (!reachedEnd && scanned < maxScan && matches.length < limit) {
    const want = Math.min(SCAN_BATCH, maxScan - scanned);
    const raw = (await client.xrevrangeBuffer(source, cursor ? `(${cursor}` : '+', '-', 'COUNT', want)) as unknown as RawEntry[];
    let processed = 0;
    for (const entry of raw) {
      processed++;
      scanned++;
      cursor = entry[0].toString();
      if (entryMatches(entry, match, payloadKey)) {
        matches.push(toEntry(entry, now, DLQ_LIMITS.listPreviewBytes, payloadKey));
        if (matches.length >= limit) break;
      }
    }
    reachedEnd = processed === raw.length && raw.length < want;
  }
  return { source, matches, scanned, total, before: reachedEnd ? null : (cursor ?? null) };
}

/** The ids of every entry matching `match`, newest first, up to `limit` (for replay, export or purge of a search). */
export async function matchingIds(client: Redis, source: string, match: DlqMatch, limit: number, payloadKey: Buffer | null): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (;;) {
    const raw = (await client.xrevrangeBuffer(source, cursor ? `(${cursor}` : '+', '-', 'COUNT', SCAN_BATCH)) as unknown as RawEntry[];
    for (const entry of raw) {
      cursor = entry[0].toString();
      if (entryMatches(entry, match, payloadKey)) ids.push(cursor);
      if (ids.length >= limit) return ids;
    }
    if (raw.length < SCAN_BATCH) return ids;
  }
}

/** What failed and how often: the newest `maxScan` entries grouped by error shape and by origin. */
export async function groupDeadLetters(client: Redis, source: string, maxScan: number): Promise<DlqGroups> {
  if ((await client.exists(source)) === 0) throw new CodedError('NOT_FOUND', `no dead-letter stream "${source}"`);
  const total = await client.xlen(source);
  const byError = new Map<string, { count: number; example: string }>();
  const byOrigin = new Map<string, number>();
  let scanned = 0;
  let cursor: string | undefined;
  while (scanned < maxScan) {
    const raw = (await client.xrevrangeBuffer(source, cursor ? `(${cursor}` : '+', '-', 'COUNT', Math.min(SCAN_BATCH, maxScan - scanned))) as unknown as RawEntry[];
    for (const entry of raw) {
      scanned++;
      cursor = entry[0].toString();
      const error = fieldOf(entry, DLQ_FIELDS.error)?.toString() ?? '(no error recorded)';
      const shape = errorShape(error);
      const seen = byError.get(shape);
      if (seen) seen.count++;
      else byError.set(shape, { count: 1, example: error.slice(0, 500) });
      const origin = fieldOf(entry, DLQ_FIELDS.originStream)?.toString() ?? '(unknown origin)';
      byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + 1);
    }
    if (raw.length === 0 || raw.length < SCAN_BATCH) break;
  }
  const sorted = <T extends { count: number; key: string }>(rows: T[]) => rows.sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    source,
    byError: sorted([...byError].map(([key, v]) => ({ key, count: v.count, example: v.example }))).slice(0, 100),
    byOrigin: sorted([...byOrigin].map(([key, count]) => ({ key, count }))).slice(0, 100),
    scanned,
    total,
    truncated: scanned < total,
  };
}

/** One exported dead letter: every field, in order, bytes as base64 — what `import` writes back. */
export interface ExportedDeadLetter {
  id: string;
  source: string;
  fields: [string, string][];
}

/** JSON lines of the given entries (ids that no longer exist are left out). */
export async function exportDeadLetters(client: Redis, source: string, ids: string[]): Promise<{ lines: string; exported: number }> {
  const out: string[] = [];
  for (let i = 0; i < ids.length; i += 200) {
    const pipe = client.pipeline();
    for (const id of ids.slice(i, i + 200)) pipe.xrangeBuffer(source, id, id);
    for (const [, reply] of (await pipe.exec()) ?? []) {
      const entry = (reply as RawEntry[] | undefined)?.[0];
      if (!entry) continue;
      const fields: [string, string][] = [];
      for (let f = 0; f + 1 < entry[1].length; f += 2) fields.push([entry[1][f]!.toString(), entry[1][f + 1]!.toString('base64')]);
      out.push(JSON.stringify({ id: entry[0].toString(), source, fields } satisfies ExportedDeadLetter));
    }
  }
  return { lines: out.length ? `${out.join('\n')}\n` : '', exported: out.length };
}

/**
 * Writes exported dead letters back into `source` (new ids; the bytes of every field unchanged;
 * `dlq_imported_from` = the exported id). Malformed lines are reported by number, not guessed.
 */
export async function importDeadLetters(client: Redis, source: string, text: string): Promise<{ imported: number; failed: { line: number; reason: string }[] }> {
  const failed: { line: number; reason: string }[] = [];
  const pipe = client.pipeline();
  let queued = 0;
  text.split('\n').forEach((line, index) => {
    if (!line.trim()) return;
    try {
      const parsed = JSON.parse(line) as ExportedDeadLetter;
      if (!Array.isArray(parsed.fields) || parsed.fields.length === 0 || !parsed.fields.every((f) => Array.isArray(f) && typeof f[0] === 'string' && typeof f[1] === 'string')) throw new Error('no fields');
      const args: (string | Buffer)[] = [];
      for (const [name, b64] of parsed.fields) args.push(name, Buffer.from(b64, 'base64'));
      args.push('dlq_imported_from', String(parsed.id ?? ''));
      pipe.xadd(source, '*', ...args);
      queued++;
    } catch (error) {
      failed.push({ line: index + 1, reason: `not an exported dead letter (${(error as Error).message})` });
    }
  });
  if (queued) {
    const results = (await pipe.exec()) ?? [];
    const errors = results.filter(([error]) => error);
    if (errors.length) throw new CodedError('BROKER_ERROR', `${errors.length} of ${queued} entries could not be written: ${String(errors[0]![0])}`);
  }
  return { imported: queued, failed };
}
