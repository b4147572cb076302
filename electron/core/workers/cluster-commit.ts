import type { Cluster } from 'ioredis';
import { DLQ_FIELDS } from '../../../shared/model/dead-letter';
import type { ClusterLayout } from './cluster-keys';
import type { CommitItem } from './commit-item';

/**
 * ARCHITECTURE — the commit of a batch on a Redis Cluster.
 *
 * On one server a batch commits in ONE script (stream-scripts.ts COMMIT): outputs, dedup marks,
 * XACK. On a cluster the input stream, every output stream and the DLQ hash to different slots, and
 * a script may only touch keys of one slot. So the commit is split by slot, and made idempotent
 * per slot so that it can be cut anywhere (kill -9, a node lost) and simply run again:
 *
 *  1. Outputs, one script per output stream S (all sent at once: ioredis writes each node's
 *     scripts back to back on its connection, a pipeline per node). In S's slot, per entry:
 *     `SET <written mark of (input stream, group, S, entry id)> NX PX markTtl`; only when that mark
 *     is new are the entry's outputs to S XADDed — atomically with the mark, in the same script.
 *     With a dedup id (the event id), also `SET <dedup mark of (S, group, dedup id)> <entry id> NX
 *     PX dedupWindow`: held by another entry, the outputs are a duplicate and not written.
 *     The marks keys are `<prefix>{T}:…` with T the part of S's name Redis hashes (cluster-keys.ts).
 *  2. Only once every output script answered: one script in the input stream's slot XACKs the
 *     batch and drops its retry counters (kept in that slot on a cluster). Entries with no output
 *     keep their dedup marks (and effectful handlers their claims) in that slot, in this script.
 *
 * A crash before 2 leaves every entry of the batch pending; it is reclaimed (XAUTOCLAIM after the
 * reclaim idle time) and handled again: the written marks make each output script skip what it
 * wrote the first time, then the XACK runs. So each entry is pending or done, and its outputs are
 * in each output stream at most once — exactly once once it is done. A crash after 2 is done.
 * The marks must outlive any redelivery: their TTL (`markTtlMs`) is at least an hour and ten
 * times the reclaim idle time (and never under the dedup window), well above the time an entry
 * waits to be reclaimed; a stream consumer with no live worker for longer than that could write
 * an output twice when it is finally reclaimed.
 *
 * Dead letters follow the same idea: XPENDING (still ours to move?), then in the DLQ's slot
 * `SET <dead mark of (DLQ, input stream, group, id)> NX` and XADD only when new, then XACK and
 * HDEL in the input's slot. Retried after a crash, the DLQ copy is not written twice.
 *
 * The single-server path keeps its one script: it costs one round trip per batch where this costs
 * two (outputs, then the ack). Measured on one node with the same data (event-pipeline bench,
 * commitDesignsOnOneNode): one script 62,600/s, per-slot 57,800/s (0.92x), so it stays.
 */

/**
 * Outputs of a batch to one stream. KEYS: output stream. ARGV: writtenPrefix, dedupPrefix,
 * markTtlMs, dedupTtlMs, n, then per entry: id, dedupId ('' none), nOutputs, per output: nFields,
 * fields… Returns the indexes (1-based) of entries whose outputs are duplicates of another entry's.
 */
const OUTPUTS = `
local written, dedupPrefix, markTtl, dedupTtl = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local n = tonumber(ARGV[5])
local i = 6
local dups = {}
for m = 1, n do
  local id, dedup, nOut = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  i = i + 3
  local write = redis.call('SET', written .. id, '1', 'NX', 'PX', markTtl)
  if write and dedup ~= '' then
    local key = dedupPrefix .. dedup
    if not redis.call('SET', key, id, 'NX', 'PX', dedupTtl) and redis.call('GET', key) ~= id then
      write = false
      dups[#dups + 1] = m
    end
  end
  for o = 1, nOut do
    local nFields = tonumber(ARGV[i])
    if write then redis.call('XADD', KEYS[1], '*', unpack(ARGV, i + 1, i + nFields)) end
    i = i + 1 + nFields
  end
end
return dups
`;

/**
 * The acknowledgement of a batch, in the input stream's slot. KEYS: stream. ARGV: group,
 * attemptsKey, dedupPrefix, dedupTtlMs, nIds, ids…, nCounted, ids with a retry counter…, then pairs
 * of index (1-based, in the batch) and dedup id of entries whose dedup mark is kept here.
 * Returns the indexes of those that are duplicates (the single-server COMMIT's rule).
 */
const ACK = `
local group, attemptsKey, prefix, ttl = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local nIds = tonumber(ARGV[5])
local nCounted = tonumber(ARGV[6 + nIds])
local first = 7 + nIds + nCounted
local dups = {}
for i = first, #ARGV, 2 do
  local id, key = ARGV[5 + tonumber(ARGV[i])], prefix .. ARGV[i + 1]
  if not redis.call('SET', key, id, 'NX', 'PX', ttl) then
    if redis.call('GET', key) == 'claim:' .. id then redis.call('SET', key, id, 'PX', ttl)
    else dups[#dups + 1] = tonumber(ARGV[i]) end
  end
end
if nIds > 0 then redis.call('XACK', KEYS[1], group, unpack(ARGV, 6, 5 + nIds)) end
if nCounted > 0 then redis.call('HDEL', attemptsKey, unpack(ARGV, 7 + nIds, 6 + nIds + nCounted)) end
return dups
`;

/** A dead letter's copy, in the DLQ's slot. KEYS: dlq. ARGV: mark, markTtlMs, fields… Returns 1 when written, 0 when it was already. */
const DEAD_COPY = `
if not redis.call('SET', ARGV[1], '1', 'NX', 'PX', ARGV[2]) then return 0 end
redis.call('XADD', KEYS[1], '*', unpack(ARGV, 3))
return 1
`;

export type ClusterScriptClient = Cluster & {
  wfOutputs(stream: string, ...args: (string | Buffer | number)[]): Promise<number[]>;
  wfAck(stream: string, ...args: (string | number)[]): Promise<number[]>;
  wfDeadCopy(dlq: string, ...args: (string | Buffer | number)[]): Promise<number>;
};

/** Registers the cluster scripts on a client (EVALSHA with a fallback to EVAL, per node). */
export function withClusterScripts(client: Cluster): ClusterScriptClient {
  const scripted = client as ClusterScriptClient;
  if (typeof scripted.wfOutputs !== 'function') {
    client.defineCommand('wfOutputs', { numberOfKeys: 1, lua: OUTPUTS });
    client.defineCommand('wfAck', { numberOfKeys: 1, lua: ACK });
    client.defineCommand('wfDeadCopy', { numberOfKeys: 1, lua: DEAD_COPY });
  }
  return scripted;
}

/** What the cluster commit uses besides the client: the layout of its marks and their lifetimes. */
export interface ClusterCommitScope {
  stream: string;
  group: string;
  layout: ClusterLayout;
  markTtlMs: number;
  dedupTtlMs: number;
  /** Test hook: each step of the commit (the fault test kill -9s the process at random ones). */
  onStep?: (step: CommitStep) => Promise<void> | void;
}

export type CommitStep = 'outputs-sent' | 'output-written' | 'outputs-written' | 'ack-sent' | 'acked' | 'dead-copied';

/**
 * Commits `items` as described above: outputs per output stream (dedup marks beside them), then the
 * XACK. `dedupHere`: the items whose dedup mark is kept in the input's slot (no outputs, or an
 * effectful handler's claim). Resolves to the indexes (0-based) of duplicates.
 */
export async function commitOnCluster(client: ClusterScriptClient, scope: ClusterCommitScope, items: CommitItem[], dedupInOutputs: boolean): Promise<number[]> {
  const perStream = new Map<string, { index: number; args: (string | Buffer | number)[] }[]>();
  items.forEach((item, index) => {
    const byStream = new Map<string, { n: number; fields: (string | Buffer | number)[] }>();
    for (const output of item.outputs) {
      let group = byStream.get(output.stream);
      if (!group) byStream.set(output.stream, (group = { n: 0, fields: [] }));
      group.n += 1;
      group.fields.push(output.fields.length, ...output.fields);
    }
    for (const [stream, group] of byStream) {
      let list = perStream.get(stream);
      if (!list) perStream.set(stream, (list = []));
      list.push({ index, args: [item.id, dedupInOutputs ? (item.dedupId ?? '') : '', group.n, ...group.fields] });
    }
  });
  const dups = new Set<number>();
  const writes = [...perStream].map(async ([stream, list]) => {
    const keys = scope.layout.output(stream);
    const args: (string | Buffer | number)[] = [keys.written, keys.dedup, scope.markTtlMs, scope.dedupTtlMs, list.length];
    for (const entry of list) args.push(...entry.args);
    const found = await client.wfOutputs(stream, ...args);
    for (const m of found) dups.add(list[m - 1]!.index);
    await scope.onStep?.('output-written');
  });
  if (writes.length) {
    await scope.onStep?.('outputs-sent');
    await Promise.all(writes);
    await scope.onStep?.('outputs-written');
  }
  const ids = items.map((item) => item.id);
  const counted = items.filter((item) => item.hasAttempts).map((item) => item.id);
  const here: (string | number)[] = [];
  items.forEach((item, index) => {
    if (item.dedupId && (!dedupInOutputs || !item.outputs.length)) here.push(index + 1, item.dedupId);
  });
  const ack = client.wfAck(scope.stream, scope.group, scope.layout.attemptsKey, scope.layout.inputDedupPrefix, scope.dedupTtlMs, ids.length, ...ids, counted.length, ...counted, ...here);
  await scope.onStep?.('ack-sent');
  for (const m of await ack) dups.add(m - 1);
  await scope.onStep?.('acked');
  return [...dups].sort((a, b) => a - b);
}

/**
 * Dead-letters one entry on a cluster: false when it is no longer pending in the group (someone
 * else dealt with it); else its copy (bytes unchanged, with the DLQ metadata) goes to `dlq` once,
 * then it is acknowledged and its retry counter dropped.
 */
export async function deadLetterOnCluster(client: ClusterScriptClient, scope: ClusterCommitScope, dlq: string, entry: { id: string; fields: Buffer[] }, error: string, attempts: number, failedAt: number): Promise<boolean> {
  const pending = (await client.xpending(scope.stream, scope.group, entry.id, entry.id, 1)) as unknown[];
  if (!pending.length) return false;
  const meta = [DLQ_FIELDS.originStream, scope.stream, DLQ_FIELDS.originGroup, scope.group, DLQ_FIELDS.originId, entry.id, DLQ_FIELDS.error, error, DLQ_FIELDS.attempts, String(attempts), DLQ_FIELDS.failedAt, new Date(failedAt).toISOString()];
  await client.wfDeadCopy(dlq, scope.layout.deadLetterMark(dlq, entry.id), scope.markTtlMs, ...entry.fields, ...meta);
  await scope.onStep?.('dead-copied');
  await client.wfAck(scope.stream, scope.group, scope.layout.attemptsKey, scope.layout.inputDedupPrefix, scope.dedupTtlMs, 1, entry.id, 1, entry.id);
  return true;
}

/** The lifetime of the written and dead-letter marks (see the ARCHITECTURE note above). */
export function markTtlMs(reclaimIdleMs: number, dedupWindowMs: number): number {
  return Math.max(3_600_000, 10 * reclaimIdleMs, dedupWindowMs);
}
