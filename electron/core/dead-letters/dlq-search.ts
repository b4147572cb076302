import type { Redis } from 'ioredis';
import { CodedError } from '../../../shared/contract/errors';
import { DLQ_FIELDS, REPLAY_FIELDS, REPLAY_LINEAGE_FIELD } from '../../../shared/model/dead-letter';
import { errorShape, valueAtPath, type DlqGroups, type DlqMatch, type DlqSearchStep } from '../../../shared/model/dlq-search';
import { STREAM_PAYLOAD_FIELD } from '../../../shared/model/topology';
import { idTime } from '../../../shared/model/stream-ids';
import { decryptPayload } from '../payload-crypto';
import { DLQ_LIMITS, toEntry } from './redis-dlq';
import { LINEAGE_LUA } from './replay-lineage-lua';

type RawEntry = [Buffer, Buffer[]];

/** Entries read per command while searching, grouping or exporting (a page of a few MB at most). */
export const SCAN_BATCH = 4000;

const BACKSLASH = 0x5c;
const fieldNames = new Map<string, Buffer>();

function fieldOf(raw: RawEntry, name: string): Buffer | undefined {
  let wanted = fieldNames.get(name);
  if (!wanted) fieldNames.set(name, (wanted = Buffer.from(name)));
  const values = raw[1];
  for (let i = 0; i + 1 < values.length; i += 2) if (values[i]!.equals(wanted)) return values[i + 1];
  return undefined;
}

/**
 * The bytes a payload must contain to possibly have `value` at some path, or null when no such
 * necessary condition is known. A JSON string without escapes is its UTF-8 bytes, and `true`,
 * `false`, `null` are written one way; numbers (1e2 is "100"), objects and arrays (whitespace)
 * are not, so those values are always parsed. A payload with any backslash may hold the value
 * escaped (\u00e9, \") and is always parsed too (see {@link mayMatchField}).
 */
export function fieldPrefilter(value: string): Buffer | null {
  if (/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(value) || value.startsWith('{') || value.startsWith('[')) return null;
  return Buffer.from(value, 'utf8');
}

/** Whether the raw payload may hold the searched value: the exact check (JSON.parse + path) is only run when it may. */
export function mayMatchField(payload: Buffer, needle: Buffer | null): boolean {
  return needle === null || payload.indexOf(needle) >= 0 || payload.indexOf(BACKSLASH) >= 0;
}

const needles = new WeakMap<DlqMatch, Buffer | null>();

function needleOf(match: DlqMatch & { field: NonNullable<DlqMatch['field']> }): Buffer | null {
  if (!needles.has(match)) needles.set(match, fieldPrefilter(match.field.value));
  return needles.get(match)!;
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
      // Most entries are rejected on their bytes, without parsing them (exact: see fieldPrefilter).
      if (!mayMatchField(payload, needleOf(match as DlqMatch & { field: NonNullable<DlqMatch['field']> }))) return false;
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

/**
 * Replays ONE dead letter with its payload replaced (edit before replay), atomically: skip if it
 * is no longer in the DLQ; XADD the entry's fields (metadata dropped, replay marks set, `data` =
 * the new payload, a lineage step marked edited) to the target or origin; XDEL it from the DLQ.
 * KEYS: dlq. ARGV: id, target ('' = origin), new payload, maxReplays, force ('1'/'0'), who, at (ISO time).
 * Returns {1, target, newId} | {0, 'gone'} | {-1, reason}.
 */
const EDIT_REPLAY_SCRIPT = `${LINEAGE_LUA}
local entries = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])
if #entries == 0 then return {0, 'gone'} end
local fields = entries[1][2]
local out = {}
local origin = nil
local count = 0
local hasPayload = false
local meta = {}
local prior = nil
for f = 1, #fields, 2 do
  local name = fields[f]
  if name == '${DLQ_FIELDS.originStream}' then origin = fields[f + 1] end
  if name == '${REPLAY_FIELDS.count}' then count = tonumber(fields[f + 1]) or 0
  elseif name == '${REPLAY_FIELDS.of}' then
  elseif name == '${REPLAY_LINEAGE_FIELD}' then prior = fields[f + 1]
  elseif string.sub(name, 1, 4) == 'dlq_' then meta[name] = fields[f + 1]
  elseif name == '${STREAM_PAYLOAD_FIELD}' then
    out[#out + 1] = name
    out[#out + 1] = ARGV[3]
    hasPayload = true
  else
    out[#out + 1] = name
    out[#out + 1] = fields[f + 1]
  end
end
if not hasPayload then
  out[#out + 1] = '${STREAM_PAYLOAD_FIELD}'
  out[#out + 1] = ARGV[3]
end
local target = ARGV[2]
if target == '' then target = origin end
if target == nil or target == '' then return {-1, 'no origin stream recorded: give a target'} end
if target == KEYS[1] then return {-1, 'the target is the DLQ itself'} end
if count >= tonumber(ARGV[4]) and ARGV[5] ~= '1' then return {-1, 'replayed ' .. count .. ' times already (loop guard): force to replay again'} end
out[#out + 1] = '${REPLAY_FIELDS.count}'
out[#out + 1] = tostring(count + 1)
out[#out + 1] = '${REPLAY_FIELDS.of}'
out[#out + 1] = KEYS[1] .. '/' .. ARGV[1]
out[#out + 1] = '${REPLAY_LINEAGE_FIELD}'
out[#out + 1] = lineageAppend(prior, lineageStep(meta, KEYS[1], ARGV[1], ARGV[7], ARGV[6], '', true))
local newId = redis.call('XADD', target, '*', unpack(out))
redis.call('XDEL', KEYS[1], ARGV[1])
return {1, target, newId}
`;

export interface EditedReplay {
  status: 'replayed' | 'gone' | 'refused';
  target: string | null;
  newId: string | null;
  reason: string | null;
  /** The original payload (text or hex) and a line diff, for the audit log. */
  original: string;
  diff: string;
  reEncrypted: boolean;
}

/** A small line diff of two texts ("- old" / "+ new" lines, unchanged lines left out), capped. */
export function lineDiff(before: string, after: string, maxLines = 200): string {
  const a = before.split('\n');
  const b = after.split('\n');
  const out: string[] = [];
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n && out.length < maxLines; i++) {
    if (a[i] === b[i]) continue;
    if (a[i] !== undefined) out.push(`- ${a[i]}`);
    if (b[i] !== undefined) out.push(`+ ${b[i]}`);
  }
  return out.join('\n');
}

/**
 * Edit before replay: the new payload must be valid JSON when the original was JSON; an encrypted
 * original (opened with the environment's key) is edited as plaintext and encrypted again.
 */
export async function replayEdited(
  client: Redis,
  source: string,
  id: string,
  payload: string,
  options: { target: string | null; maxReplays: number; force: boolean; payloadKey: Buffer | null; encrypt: (plain: Buffer, key: Buffer) => Buffer; who?: string; now?: number },
): Promise<EditedReplay> {
  const raw = (await client.xrangeBuffer(source, id, id)) as unknown as RawEntry[];
  if (raw.length === 0) throw new CodedError('NOT_FOUND', `no entry ${id} in "${source}" (replayed or purged?)`);
  let original = fieldOf(raw[0]!, STREAM_PAYLOAD_FIELD) ?? Buffer.alloc(0);
  let wasEncrypted = false;
  if (options.payloadKey) {
    const opened = decryptPayload(original, options.payloadKey);
    if (opened && 'plain' in opened) {
      original = opened.plain;
      wasEncrypted = true;
    } else if (opened) throw new CodedError('VALIDATION', `${opened.error}: it cannot be edited`);
  }
  const originalText = original.toString('utf8');
  if (isJson(originalText)) {
    try {
      JSON.parse(payload);
    } catch (error) {
      throw new CodedError('VALIDATION', `the edited payload is not valid JSON (the original was): ${(error as Error).message}`);
    }
  }
  const bytes = wasEncrypted ? options.encrypt(Buffer.from(payload, 'utf8'), options.payloadKey!) : Buffer.from(payload, 'utf8');
  const result = (await client.eval(EDIT_REPLAY_SCRIPT, 1, source, id, options.target ?? '', bytes, String(options.maxReplays), options.force ? '1' : '0', options.who ?? '', new Date(options.now ?? Date.now()).toISOString())) as [number, string, string?];
  const base = { original: originalText.slice(0, 256 * 1024), diff: lineDiff(originalText, payload), reEncrypted: wasEncrypted };
  if (result[0] === 1) return { ...base, status: 'replayed', target: result[1], newId: result[2] ?? null, reason: null };
  if (result[0] === 0) return { ...base, status: 'gone', target: null, newId: null, reason: 'no longer in the DLQ (replayed or purged meanwhile)' };
  return { ...base, status: 'refused', target: null, newId: null, reason: result[1] };
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
