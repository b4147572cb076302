import { DLQ_FIELDS } from '../../../shared/model/dead-letter';
import { isCluster, type RedisClient } from '../brokers/redis/redis-client';
import { commitOnCluster, deadLetterOnCluster, withClusterScripts, type ClusterCommitScope, type ClusterScriptClient } from './cluster-commit';
import type { CommitItem } from './commit-item';

export type { CommitItem } from './commit-item';

/**
 * The consumer engine's Lua scripts. Each is one round trip and atomic, so a crash leaves a
 * message either pending (it will be reclaimed and handled again) or fully done — never half.
 * Streams other than the one in KEYS are named in ARGV: standalone and Sentinel Redis only. On a
 * Redis Cluster the commit and dead-letter steps are split by slot instead (cluster-commit.ts);
 * the claim and release scripts run there too, their marks in the input stream's slot.
 */

/**
 * Commit of a batch. Per message: when it has a dedup id, SET NX the mark to this entry's id; a
 * mark held by another entry means a duplicate, and one held by this entry means this commit
 * already ran — either way its outputs are not written again (counted as a duplicate). A mark
 * that is a claim (`claim:<id>`) of this same entry is turned into the done mark. Outputs are
 * XADDed, then every id is XACKed and its retry counter dropped.
 * KEYS: stream. ARGV: group, dedupPrefix, dedupTtlMs, attemptsKey, n, then per message:
 * id, dedupId ('' = none), hasAttempts ('1' when a retry counter may exist), nOutputs, per output:
 * stream, nFields, fields…
 * Returns the indexes (1-based) of the duplicates.
 */
const COMMIT = `
local group, prefix, ttl, attemptsKey = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local n = tonumber(ARGV[5])
local i = 6
local ids, dups, counted = {}, {}, {}
for m = 1, n do
  local id, dedup, hasAttempts, nOut = ARGV[i], ARGV[i + 1], ARGV[i + 2], tonumber(ARGV[i + 3])
  i = i + 4
  ids[#ids + 1] = id
  if hasAttempts == '1' then counted[#counted + 1] = id end
  local isDup = false
  if dedup ~= '' then
    local key = prefix .. dedup
    if not redis.call('SET', key, id, 'NX', 'PX', ttl) then
      local held = redis.call('GET', key)
      if held == 'claim:' .. id then
        redis.call('SET', key, id, 'PX', ttl)
      else
        -- Held by another entry (a duplicate), or by this one: this very commit already ran (a
        -- client resends an unanswered script after a reconnect) and its outputs are written.
        isDup = true
      end
    end
  end
  if isDup then dups[#dups + 1] = m end
  for o = 1, nOut do
    local stream, nFields = ARGV[i], tonumber(ARGV[i + 1])
    if not isDup then redis.call('XADD', stream, '*', unpack(ARGV, i + 2, i + 1 + nFields)) end
    i = i + 2 + nFields
  end
end
if #ids > 0 then redis.call('XACK', KEYS[1], group, unpack(ids)) end
if #counted > 0 then redis.call('HDEL', attemptsKey, unpack(counted)) end
return dups
`;

/**
 * Claims the dedup ids of messages an effectful handler is about to act on: SET NX `claim:<id>`
 * for `claimTtlMs`. Returns per message 1 = go, 0 = duplicate (done by another entry), 2 = busy
 * (another entry with the same id is being handled right now: try again later).
 * KEYS: the input stream (it only routes the call: on a cluster the marks are in its slot).
 * ARGV: prefix, claimTtlMs, then pairs of id, dedupId.
 */
const CLAIM = `
local prefix, ttl = ARGV[1], ARGV[2]
local out = {}
for i = 3, #ARGV, 2 do
  local id, dedup = ARGV[i], ARGV[i + 1]
  local key = prefix .. dedup
  if redis.call('SET', key, 'claim:' .. id, 'NX', 'PX', ttl) then
    out[#out + 1] = 1
  else
    local held = redis.call('GET', key)
    if held == id or held == 'claim:' .. id then out[#out + 1] = 1
    elseif string.sub(held or '', 1, 6) == 'claim:' then out[#out + 1] = 2
    else out[#out + 1] = 0 end
  end
end
return out
`;

/** Releases claims of messages that failed, so their retry (or a duplicate) may act. ARGV: prefix, then pairs of id, dedupId. */
const RELEASE = `
for i = 2, #ARGV, 2 do
  local key = ARGV[1] .. ARGV[i + 1]
  if redis.call('GET', key) == 'claim:' .. ARGV[i] then redis.call('DEL', key) end
end
return 0
`;

/**
 * Dead-letters one entry: XADD its original fields (bytes unchanged) plus the DLQ metadata to the
 * DLQ, XACK it, drop its retry counter. Skipped (returns 0) when the entry is no longer pending in
 * the group — someone else already dealt with it.
 * KEYS: stream. ARGV: group, dlq, attemptsKey, id, error, attempts, failedAt, then the fields.
 */
const DEAD_LETTER = `
local group, dlq, attemptsKey, id = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local pending = redis.call('XPENDING', KEYS[1], group, id, id, 1)
if #pending == 0 then return 0 end
local out = {}
for i = 8, #ARGV do out[#out + 1] = ARGV[i] end
out[#out + 1] = '${DLQ_FIELDS.originStream}'; out[#out + 1] = KEYS[1]
out[#out + 1] = '${DLQ_FIELDS.originGroup}'; out[#out + 1] = group
out[#out + 1] = '${DLQ_FIELDS.originId}'; out[#out + 1] = id
out[#out + 1] = '${DLQ_FIELDS.error}'; out[#out + 1] = ARGV[5]
out[#out + 1] = '${DLQ_FIELDS.attempts}'; out[#out + 1] = ARGV[6]
out[#out + 1] = '${DLQ_FIELDS.failedAt}'; out[#out + 1] = ARGV[7]
redis.call('XADD', dlq, '*', unpack(out))
redis.call('XACK', KEYS[1], group, id)
redis.call('HDEL', attemptsKey, id)
return 1
`;

/** The keys and settings the scripts share for one stream and group. */
export interface ScriptScope {
  stream: string;
  group: string;
  dedupPrefix: string;
  dedupTtlMs: number;
  attemptsKey: string;
  /** On a Redis Cluster: the commit split by slot, and where its marks live (dedupPrefix and attemptsKey are then in the stream's slot). */
  cluster: ClusterCommitScope | null;
}

export type ScriptClient = RedisClient & {
  wfCommit(stream: string, ...args: (string | Buffer | number)[]): Promise<number[]>;
  wfClaim(stream: string, ...args: (string | number)[]): Promise<number[]>;
  wfRelease(stream: string, ...args: string[]): Promise<number>;
  wfDeadLetter(stream: string, ...args: (string | Buffer | number)[]): Promise<number>;
};

/** Registers the scripts on a client (EVALSHA with a fallback to EVAL, by ioredis). */
export function withScripts(redis: RedisClient): ScriptClient {
  const client = redis as ScriptClient;
  if (typeof client.wfCommit !== 'function') {
    redis.defineCommand('wfCommit', { numberOfKeys: 1, lua: COMMIT });
    redis.defineCommand('wfClaim', { numberOfKeys: 1, lua: CLAIM });
    redis.defineCommand('wfRelease', { numberOfKeys: 1, lua: RELEASE });
    redis.defineCommand('wfDeadLetter', { numberOfKeys: 1, lua: DEAD_LETTER });
    if (isCluster(redis)) withClusterScripts(redis);
  }
  return client;
}

/**
 * Acknowledges `items` writing their outputs and dedup marks; resolves to the indexes (0-based) of
 * duplicates. `claimed`: the dedup ids are an effectful handler's claims (kept beside the input).
 */
export async function commitBatch(redis: ScriptClient, scope: ScriptScope, items: CommitItem[], claimed = false): Promise<number[]> {
  if (scope.cluster) return commitOnCluster(redis as ScriptClient & ClusterScriptClient, scope.cluster, items, !claimed);
  const args: (string | Buffer | number)[] = [scope.group, scope.dedupPrefix, scope.dedupTtlMs, scope.attemptsKey, items.length];
  for (const item of items) {
    args.push(item.id, item.dedupId ?? '', item.hasAttempts ? '1' : '0', item.outputs.length);
    for (const output of item.outputs) args.push(output.stream, output.fields.length, ...output.fields);
  }
  const dups = await redis.wfCommit(scope.stream, ...args);
  return dups.map((index) => index - 1);
}

/** 1 go, 0 duplicate, 2 busy — per item, in order. */
export async function claimBatch(redis: ScriptClient, scope: ScriptScope, claimTtlMs: number, items: { id: string; dedupId: string }[]): Promise<number[]> {
  if (!items.length) return [];
  return redis.wfClaim(scope.stream, scope.dedupPrefix, claimTtlMs, ...items.flatMap((i) => [i.id, i.dedupId]));
}

export async function releaseClaims(redis: ScriptClient, scope: ScriptScope, items: { id: string; dedupId: string }[]): Promise<void> {
  if (items.length) await redis.wfRelease(scope.stream, scope.dedupPrefix, ...items.flatMap((i) => [i.id, i.dedupId]));
}

/** Moves one entry to `dlq` with its metadata; false when it was no longer pending. */
export async function deadLetter(redis: ScriptClient, scope: ScriptScope, dlq: string, entry: { id: string; fields: Buffer[] }, error: string, attempts: number, failedAt: number): Promise<boolean> {
  if (scope.cluster) return deadLetterOnCluster(redis as ScriptClient & ClusterScriptClient, scope.cluster, dlq, entry, error, attempts, failedAt);
  const moved = await redis.wfDeadLetter(scope.stream, scope.group, dlq, scope.attemptsKey, entry.id, error, attempts, new Date(failedAt).toISOString(), ...entry.fields);
  return moved === 1;
}
