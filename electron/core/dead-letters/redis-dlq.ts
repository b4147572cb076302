import type { Redis } from 'ioredis';
import { CodedError } from '../../../shared/contract/errors';
import { DLQ_FIELDS, REPLAY_FIELDS, REPLAY_LINEAGE_FIELD, type DeadLetterEntry, type DeadLetterPage, type ReplayOutcome } from '../../../shared/model/dead-letter';
import { STREAM_PAYLOAD_FIELD } from '../../../shared/model/topology';
import { previewOf } from '../brokers/payload-preview';
import { decryptPayload } from '../payload-crypto';
import { idTime } from '../../../shared/model/stream-ids';
import { REPLAY_JOB_FIELD } from '../../../shared/model/replay-jobs';
import { addVerdict, checkEntry, emptyCheck, mergeCheck } from './replay-check';
import { LINEAGE_LUA } from './replay-lineage-lua';
import { parseLineage } from '../../../shared/model/replay-lineage';

export const DLQ_LIMITS = {
  /** Payload preview in lists. */
  listPreviewBytes: 1024,
  /** Payload preview when one entry is shown (the 256 KiB). */
  showPreviewBytes: 256 * 1024,
  /** Entries per replay script call. */
  replayBatch: 200,
  /** Entries one `replay --all` call walks at most. */
  maxReplayAll: 100_000,
} as const;

const META = new Set<string>(Object.values(DLQ_FIELDS));

/**
 * The per-id copy → remove, as Lua: skip if no longer in the DLQ; refuse past the loop guard
 * unless forced; XADD the original fields (metadata dropped, replay marks set) to the target — the
 * given one or the entry's origin; XDEL from the DLQ. Byte-safe: fields pass through as Lua
 * strings. Each replay appends a step to the entry's `replay_lineage` (the dead letter's why, `who`
 * replayed it `at` when, the `job`; see replay-lineage-lua.ts). Shared by the one-shot replay below
 * and replay jobs (replay-job-script.ts), which add their `replay_job` field (`extraFields`: Lua
 * appending to `out`) and their cursor in the same script. Put it at a script's top level.
 * `ids`, `target`, `maxReplays`, `force`, `dryRun`, `who`, `at` (ISO time), `job` ('' none) are Lua expressions; appends {status,
 * target-or-reason} per id to `results`: status 1 replayed, 0 skipped (gone), -1 failed.
 * (The origin stream is not in KEYS: standalone and Sentinel Redis only, not Cluster.)
 */
export function replayEntriesLua(v: { ids: string; target: string; maxReplays: string; force: string; dryRun: string; who: string; at: string; job: string; extraFields?: string }): string {
  return `${LINEAGE_LUA}
local maxReplays = tonumber(${v.maxReplays})
for _, id in ipairs(${v.ids}) do
  local entries = redis.call('XRANGE', KEYS[1], id, id)
  if #entries == 0 then
    results[#results + 1] = {0, 'gone'}
  else
    local fields = entries[1][2]
    local out = {}
    local origin = nil
    local count = 0
    local meta = {}
    local prior = nil
    for f = 1, #fields, 2 do
      local name = fields[f]
      if name == '${DLQ_FIELDS.originStream}' then origin = fields[f + 1] end
      if name == '${REPLAY_FIELDS.count}' then count = tonumber(fields[f + 1]) or 0
      elseif name == '${REPLAY_FIELDS.of}' or name == '${REPLAY_JOB_FIELD}' then
      elseif name == '${REPLAY_LINEAGE_FIELD}' then prior = fields[f + 1]
      elseif string.sub(name, 1, 4) == 'dlq_' then meta[name] = fields[f + 1]
      else
        out[#out + 1] = name
        out[#out + 1] = fields[f + 1]
      end
    end
    local target = ${v.target}
    if target == '' then target = origin end
    if target == nil or target == '' then
      results[#results + 1] = {-1, 'no origin stream recorded: give a target'}
    elseif count >= maxReplays and ${v.force} ~= '1' then
      results[#results + 1] = {-1, 'replayed ' .. count .. ' times already (loop guard): force to replay again'}
    elseif target == KEYS[1] then
      results[#results + 1] = {-1, 'the target is the DLQ itself'}
    elseif ${v.dryRun} == '1' then
      results[#results + 1] = {1, target}
    else
      out[#out + 1] = '${REPLAY_FIELDS.count}'
      out[#out + 1] = tostring(count + 1)
      out[#out + 1] = '${REPLAY_FIELDS.of}'
      out[#out + 1] = KEYS[1] .. '/' .. id
      out[#out + 1] = '${REPLAY_LINEAGE_FIELD}'
      out[#out + 1] = lineageAppend(prior, lineageStep(meta, KEYS[1], id, ${v.at}, ${v.who}, ${v.job}, false))
      ${v.extraFields ?? ''}
      redis.call('XADD', target, '*', unpack(out))
      redis.call('XDEL', KEYS[1], id)
      results[#results + 1] = {1, target}
    end
  end
end
`;
}

/** KEYS: dlq. ARGV: target ('' = origin), maxReplays, force ('1'/'0'), dryRun ('1'/'0'), who, at (ISO time), then ids. */
const REPLAY_SCRIPT = `
local results = {}
local ids = {}
for i = 7, #ARGV do ids[#ids + 1] = ARGV[i] end
${replayEntriesLua({ ids: 'ids', target: 'ARGV[1]', maxReplays: 'ARGV[2]', force: 'ARGV[3]', dryRun: 'ARGV[4]', who: 'ARGV[5]', at: 'ARGV[6]', job: "''" })}
return results
`;

type RawEntry = [Buffer, Buffer[]];

/** One raw DLQ entry as the console shows it. */
export function toEntry(raw: RawEntry, now: number, previewBytes: number, payloadKey: Buffer | null = null): DeadLetterEntry {
  const id = raw[0].toString();
  const meta = new Map<string, string>();
  const fields: Record<string, string> = {};
  let payload: DeadLetterEntry['payload'] = null;
  let lineage: DeadLetterEntry['lineage'];
  const values = raw[1];
  for (let i = 0; i + 1 < values.length; i += 2) {
    const name = values[i]!.toString();
    const value = values[i + 1]!;
    if (META.has(name) || name === REPLAY_FIELDS.count || name === REPLAY_FIELDS.of) meta.set(name, value.toString());
    else if (name === REPLAY_LINEAGE_FIELD) lineage = parseLineage(value.toString());
    else if (name === STREAM_PAYLOAD_FIELD) {
      const opened = payloadKey ? decryptPayload(value, payloadKey) : null;
      payload = opened && 'plain' in opened ? { ...previewOf(opened.plain, previewBytes), decrypted: true } : { ...previewOf(value, previewBytes), ...(opened ? { decryptError: opened.error } : {}) };
    }
    else fields[name] = previewOf(value, 1024).preview;
  }
  const number = (key: string) => (meta.has(key) && meta.get(key) !== '' && Number.isFinite(Number(meta.get(key))) ? Number(meta.get(key)) : null);
  return {
    id,
    originStream: meta.get(DLQ_FIELDS.originStream) ?? null,
    originGroup: meta.get(DLQ_FIELDS.originGroup) ?? null,
    originId: meta.get(DLQ_FIELDS.originId) ?? null,
    error: meta.get(DLQ_FIELDS.error) ?? null,
    attempts: number(DLQ_FIELDS.attempts),
    failedAt: meta.get(DLQ_FIELDS.failedAt) ?? null,
    replayCount: number(REPLAY_FIELDS.count) ?? 0,
    ...(lineage ? { lineage } : {}),
    ageMs: Math.max(0, now - idTime(id)),
    payload,
    fields,
  };
}

/** A page of a DLQ stream, newest or oldest first, with an exclusive cursor; never an unbounded range. */
export async function listDeadLetters(client: Redis, source: string, order: 'newest' | 'oldest', after: string | undefined, count: number, now: number, payloadKey: Buffer | null = null): Promise<DeadLetterPage> {
  if ((await client.exists(source)) === 0) throw new CodedError('NOT_FOUND', `no dead-letter stream "${source}"`);
  const raw = (
    order === 'newest'
      ? await client.xrevrangeBuffer(source, after ? `(${after}` : '+', '-', 'COUNT', count)
      : await client.xrangeBuffer(source, after ? `(${after}` : '-', '+', 'COUNT', count)
  ) as unknown as RawEntry[];
  const entries = raw.map((r) => toEntry(r, now, DLQ_LIMITS.listPreviewBytes, payloadKey));
  return { source, entries, nextAfter: entries.length === count ? entries[entries.length - 1]!.id : null };
}

/** One dead letter with a payload preview of up to 256 KiB. */
export async function showDeadLetter(client: Redis, source: string, id: string, now: number, payloadKey: Buffer | null = null): Promise<DeadLetterEntry> {
  const raw = (await client.xrangeBuffer(source, id, id)) as unknown as RawEntry[];
  if (raw.length === 0) throw new CodedError('NOT_FOUND', `no entry ${id} in "${source}" (replayed or purged?)`);
  return toEntry(raw[0]!, now, DLQ_LIMITS.showPreviewBytes, payloadKey);
}

export interface ReplayOptions {
  target: string | null;
  maxReplays: number;
  force: boolean;
  dryRun: boolean;
  /** Called after each batch (progress). */
  onBatch?: (done: number) => void;
  /** Dry runs: run the target processor's event check on each entry that would be replayed (issue 21.7). */
  check?: { namespace: string; payloadKey: Buffer | null };
  /** Who replays: recorded in each entry's lineage ("analyst (os user)"). */
  who?: string;
  /** When (ms), for the lineage; default now. */
  now?: number;
}

/** The payload bytes of the given DLQ entries (one pipelined XRANGE each); absent ids are left out. */
async function payloadsOf(client: Redis, source: string, ids: readonly string[]): Promise<Map<string, Buffer | null>> {
  const pipeline = client.pipeline();
  for (const id of ids) pipeline.xrangeBuffer(source, id, id);
  const replies = (await pipeline.exec()) ?? [];
  const payloads = new Map<string, Buffer | null>();
  replies.forEach(([error, raw], i) => {
    const entry = !error ? (raw as RawEntry[])[0] : undefined;
    if (!entry) return;
    const values = entry[1];
    let payload: Buffer | null = null;
    for (let f = 0; f + 1 < values.length; f += 2) if (values[f]!.toString() === STREAM_PAYLOAD_FIELD) payload = values[f + 1]!;
    payloads.set(ids[i]!, payload);
  });
  return payloads;
}

/** Replays the given ids in batches of one script each (copy → remove per id, atomically). */
export async function replayIds(client: Redis, source: string, ids: readonly string[], options: ReplayOptions): Promise<ReplayOutcome> {
  const outcome: ReplayOutcome = { source, dryRun: options.dryRun, matched: 0, replayed: 0, skipped: 0, failed: [], targets: {}, ...(options.dryRun && options.check ? { check: emptyCheck() } : {}) };
  for (let i = 0; i < ids.length; i += DLQ_LIMITS.replayBatch) {
    const batch = ids.slice(i, i + DLQ_LIMITS.replayBatch);
    const at = new Date(options.now ?? Date.now()).toISOString();
    const results = (await client.eval(REPLAY_SCRIPT, 1, source, options.target ?? '', options.maxReplays, options.force ? '1' : '0', options.dryRun ? '1' : '0', options.who ?? '', at, ...batch)) as [number, string][];
    results.forEach(([status, detail], j) => {
      outcome.matched++;
      if (status === 1) {
        outcome.replayed++;
        outcome.targets[detail] = (outcome.targets[detail] ?? 0) + 1;
      } else if (status === 0) {
        outcome.skipped++;
      } else {
        outcome.failed.push({ id: batch[j]!, reason: detail });
      }
    });
    if (outcome.check && options.check) {
      const payloads = await payloadsOf(client, source, batch.filter((_, j) => results[j]![0] === 1));
      batch.forEach((id, j) => {
        // status 1 in a dry run: the detail is the target stream the entry would go to.
        if (payloads.has(id)) addVerdict(outcome.check!, id, checkEntry(results[j]![1], payloads.get(id)!, options.check!));
      });
    }
    options.onBatch?.(Math.min(ids.length, i + batch.length));
  }
  return outcome;
}

/** Replays every entry of the DLQ, oldest first, walking it in pages (at most 100,000 per call). */
export async function replayAll(client: Redis, source: string, options: ReplayOptions): Promise<ReplayOutcome> {
  const total: ReplayOutcome = { source, dryRun: options.dryRun, matched: 0, replayed: 0, skipped: 0, failed: [], targets: {}, ...(options.dryRun && options.check ? { check: emptyCheck() } : {}) };
  let after: string | undefined;
  while (total.matched < DLQ_LIMITS.maxReplayAll) {
    const page = (await client.xrange(source, after ? `(${after}` : '-', '+', 'COUNT', DLQ_LIMITS.replayBatch)) as [string, string[]][];
    if (page.length === 0) break;
    const ids = page.map(([id]) => id);
    after = ids[ids.length - 1];
    const part = await replayIds(client, source, ids, options);
    total.matched += part.matched;
    total.replayed += part.replayed;
    total.skipped += part.skipped;
    total.failed.push(...part.failed.slice(0, Math.max(0, 1000 - total.failed.length)));
    for (const [target, n] of Object.entries(part.targets)) total.targets[target] = (total.targets[target] ?? 0) + n;
    if (total.check && part.check) mergeCheck(total.check, part.check);
    options.onBatch?.(total.matched);
  }
  return total;
}

/** Deletes entries older than `olderThanMs` (by id time) from a DLQ stream: XTRIM MINID, exact. */
export async function purgeOlderThan(client: Redis, source: string, olderThanMs: number, now: number): Promise<number> {
  return Number(await client.xtrim(source, 'MINID', String(Math.max(0, now - olderThanMs))));
}
