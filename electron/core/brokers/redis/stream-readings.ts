import { fieldMap } from './fields';
import { isCluster, keySlot, type RedisClient } from './redis-client';
import type { ConsumerInfo, StreamGroupInfo } from '../../../../shared/model/overview';
import { compareIds } from '../../../../shared/model/stream-ids';

/**
 * What one tick reads of each stream, as the server said it — before rates and lag estimates.
 * Two ways to read it, same result:
 * - `full` (Redis ≥ 6): ONE command per stream, `XINFO STREAM key FULL COUNT 1` — the stream's
 *   counters, every group (pel-count, last delivered id, entries-read, lag), every consumer
 *   (pel-count, seen-time) and the first entry of each PEL (the PEL is ordered by id, so that is
 *   the oldest pending entry), plus one `TIME` per server so a consumer's idle time is the
 *   server's now minus its seen-time (no clock skew between host and server; a user the ACL denies
 *   TIME falls back to the host's clock). An eighth of the
 *   commands of `classic`, most of the monitoring's CPU.
 * - `classic` (Redis 5, which has no FULL): XINFO STREAM, XINFO GROUPS, and per group known from
 *   the previous tick XINFO CONSUMERS and the XPENDING summary.
 * FULL has no `last-entry`: the last entry is the last generated id unless that entry was deleted
 * (`max-deleted-entry-id` equals it; Redis 6 does not say). Only a lag estimate needs it (a group
 * the server gives no lag, behind the last generated id), so for those streams alone one
 * `XREVRANGE key + - COUNT 1` follows: the estimate is the one the classic commands give.
 */
export type ReadMode = 'full' | 'classic';

export interface GroupReading {
  group: StreamGroupInfo;
  /** Null when not read this tick (classic: a group new since the last tick). */
  consumers: ConsumerInfo[] | null;
  /** The oldest pending entry's id; null when nothing is pending; undefined when not read. */
  oldestPendingId: string | null | undefined;
}

export interface StreamReading {
  length: number;
  entriesAdded: number | null;
  firstEntryId: string | null;
  lastEntryId: string | null;
  lastGeneratedId: string | null;
  groups: GroupReading[];
  /** FULL only: `lastEntryId` may be a deleted entry's and a lag estimate needs the real one. */
  needsLastEntry?: boolean;
}

export type ReadResult = { reading: StreamReading } | { gone: true } | { error: Error };

type Reply = [Error | null, unknown];
type Pipeline = ReturnType<RedisClient['pipeline']>;
export interface PlannedStream {
  name: string;
  /** Groups known from the previous tick (classic reads their consumers and PEL). */
  groups: readonly string[];
}

const numberOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
const NO_REPLY: Reply = [new Error('no reply'), null];
const isGone = (error: Error | null) => error !== null && /no such key/i.test(error.message);

/** The id of an entry `[id, fields]` (XINFO STREAM `first-entry`, a FULL `entries` row), or null. */
export function entryIdOf(value: unknown): string | null {
  return Array.isArray(value) && typeof value[0] === 'string' ? value[0] : null;
}

/** Turns one XINFO GROUPS reply row into a group record (rates and consumers filled in later). */
export function parseGroupRow(row: unknown[]): StreamGroupInfo {
  const fields = fieldMap(row);
  return groupRecord(fields, Number(fields.get('consumers') ?? 0), Number(fields.get('pending') ?? 0));
}

function groupRecord(fields: Map<string, unknown>, consumers: number, pending: number): StreamGroupInfo {
  return {
    name: String(fields.get('name') ?? ''),
    consumers,
    pending,
    lag: numberOrNull(fields.get('lag')),
    lagEstimated: false,
    lastDeliveredId: String(fields.get('last-delivered-id') ?? '0-0'),
    entriesRead: numberOrNull(fields.get('entries-read')),
    readRate: null,
    oldestPendingMs: null,
    consumerList: [],
  };
}

/** Whether a server refused `XINFO STREAM … FULL` as a command it does not know (Redis 5). */
export function isFullUnsupported(error: Error): boolean {
  return /syntax error|unknown (\w+ )?subcommand|wrong number of arguments/i.test(error.message);
}

/**
 * One `XINFO STREAM key FULL COUNT 1` reply; `serverNowMs` the server's TIME of the same pipeline.
 * Read field by field without a Map per row: at 2,000 streams a tick parses ~14,000 rows, and
 * this is the part of the tick's CPU the console adds to the client library's own decoding.
 */
export function parseFullReply(reply: unknown[], serverNowMs: number): StreamReading {
  let length = 0;
  let entriesAdded: number | null = null;
  let lastGeneratedId: string | null = null;
  let maxDeleted: unknown;
  let firstEntryId: string | null = null;
  let recordedFirst: string | null = null;
  let groupRows: unknown[][] = [];
  for (let i = 0; i + 1 < reply.length; i += 2) {
    const value = reply[i + 1];
    switch (reply[i]) {
      case 'length': length = Number(value); break;
      case 'entries-added': entriesAdded = numberOrNull(value); break;
      case 'last-generated-id': lastGeneratedId = typeof value === 'string' && value !== '0-0' ? value : null; break;
      case 'max-deleted-entry-id': maxDeleted = value; break;
      case 'recorded-first-entry-id': recordedFirst = typeof value === 'string' ? value : null; break;
      case 'entries': firstEntryId = entryIdOf(Array.isArray(value) ? value[0] : null); break;
      case 'groups': groupRows = Array.isArray(value) ? (value as unknown[][]) : []; break;
    }
  }
  if (length === 0) firstEntryId = null;
  else firstEntryId ??= recordedFirst;
  const groups = groupRows.map((row) => parseFullGroup(row, serverNowMs));
  const tailMayBeDeleted = typeof maxDeleted !== 'string' || maxDeleted === lastGeneratedId;
  const needsLastEntry = length > 0 && tailMayBeDeleted && lastGeneratedId !== null && groups.some(({ group }) => group.lag === null && compareIds(group.lastDeliveredId, lastGeneratedId!) < 0);
  return { length, entriesAdded, firstEntryId, lastEntryId: length === 0 ? null : lastGeneratedId, lastGeneratedId, groups, needsLastEntry };
}

function parseFullGroup(row: unknown[], serverNowMs: number): GroupReading {
  const group: StreamGroupInfo = { name: '', consumers: 0, pending: 0, lag: null, lagEstimated: false, lastDeliveredId: '0-0', entriesRead: null, readRate: null, oldestPendingMs: null, consumerList: [] };
  let pel: unknown;
  let consumerRows: unknown[][] = [];
  for (let i = 0; i + 1 < row.length; i += 2) {
    const value = row[i + 1];
    switch (row[i]) {
      case 'name': group.name = String(value); break;
      case 'last-delivered-id': group.lastDeliveredId = String(value); break;
      case 'entries-read': group.entriesRead = numberOrNull(value); break;
      case 'lag': group.lag = numberOrNull(value); break;
      case 'pel-count': group.pending = Number(value); break;
      case 'pending': pel = value; break;
      case 'consumers': consumerRows = Array.isArray(value) ? (value as unknown[][]) : []; break;
    }
  }
  group.consumers = consumerRows.length;
  const consumers = consumerRows.map((c): ConsumerInfo => {
    const consumer: ConsumerInfo = { name: '', pending: 0, idleMs: 0 };
    let seen = serverNowMs;
    for (let i = 0; i + 1 < c.length; i += 2) {
      if (c[i] === 'name') consumer.name = String(c[i + 1]);
      else if (c[i] === 'pel-count') consumer.pending = Number(c[i + 1]);
      else if (c[i] === 'seen-time') seen = Number(c[i + 1]);
    }
    consumer.idleMs = Math.max(0, serverNowMs - seen);
    return consumer;
  });
  const oldestPendingId = group.pending > 0 && Array.isArray(pel) ? entryIdOf(pel[0]) : null;
  return { group, consumers, oldestPendingId };
}

/** The classic replies of one stream (XINFO STREAM, XINFO GROUPS, then per known group CONSUMERS and XPENDING). */
function parseClassic(stream: PlannedStream, replies: Reply[]): ReadResult {
  const [streamError, streamReply] = replies[0] ?? NO_REPLY;
  const [groupsError, groupsReply] = replies[1] ?? NO_REPLY;
  if (isGone(streamError) || isGone(groupsError)) return { gone: true };
  if (streamError) return { error: streamError };
  if (groupsError) return { error: groupsError };
  const perGroup = new Map<string, { consumers: unknown; pending: unknown }>();
  stream.groups.forEach((group, i) => {
    const [consumersError, consumers] = replies[2 + 2 * i] ?? NO_REPLY;
    const [pendingError, pending] = replies[3 + 2 * i] ?? NO_REPLY;
    // A group deleted since the last tick answers NOGROUP: it is simply not there any more.
    if (!consumersError && !pendingError) perGroup.set(group, { consumers, pending });
  });
  const info = fieldMap(streamReply as unknown[]);
  const generated = info.get('last-generated-id');
  const groups = (groupsReply as unknown[][]).map((row): GroupReading => {
    const group = parseGroupRow(row);
    const extra = perGroup.get(group.name);
    if (!extra) return { group, consumers: null, oldestPendingId: undefined };
    const consumers = (extra.consumers as unknown[][]).map((c): ConsumerInfo => {
      const f = fieldMap(c);
      return { name: String(f.get('name') ?? ''), pending: Number(f.get('pending') ?? 0), idleMs: Number(f.get('idle') ?? 0) };
    });
    const summary = extra.pending as [number, string | null, string | null, unknown];
    return { group, consumers, oldestPendingId: summary[0] > 0 && summary[1] ? summary[1] : null };
  });
  return {
    reading: {
      length: Number(info.get('length') ?? 0),
      entriesAdded: numberOrNull(info.get('entries-added')),
      firstEntryId: entryIdOf(info.get('first-entry')),
      lastEntryId: entryIdOf(info.get('last-entry')),
      lastGeneratedId: typeof generated === 'string' && generated !== '0-0' ? generated : null,
      groups,
    },
  };
}

const commandsOf = (mode: ReadMode, stream: PlannedStream) => (mode === 'full' ? 1 : 2 + 2 * stream.groups.length);

function queueStream(pipeline: Pipeline, mode: ReadMode, { name, groups }: PlannedStream): void {
  if (mode === 'full') {
    pipeline.xinfo('STREAM', name, 'FULL', 'COUNT', 1);
    return;
  }
  pipeline.xinfo('STREAM', name);
  pipeline.xinfo('GROUPS', name);
  for (const group of groups) {
    pipeline.xinfo('CONSUMERS', name, group);
    pipeline.xpending(name, group);
  }
}

const serverMs = ([error, time]: Reply): number => {
  if (error || !Array.isArray(time)) return Date.now();
  return Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000);
};

/** One pipeline to one server (a cluster pipeline goes to the master of its keys): TIME, then each stream's commands. */
async function readOnOneServer(client: RedisClient, mode: ReadMode, plan: readonly PlannedStream[], indexes: readonly number[], out: ReadResult[]): Promise<void> {
  const pipeline = client.pipeline();
  if (mode === 'full') pipeline.time();
  for (const index of indexes) queueStream(pipeline, mode, plan[index]!);
  const replies = ((await pipeline.exec()) ?? []) as Reply[];
  let cursor = 0;
  const now = mode === 'full' ? serverMs(replies[cursor++] ?? NO_REPLY) : 0;
  for (const index of indexes) {
    const stream = plan[index]!;
    const count = commandsOf(mode, stream);
    if (mode === 'classic') out[index] = parseClassic(stream, replies.slice(cursor, cursor + count));
    else {
      const [error, reply] = replies[cursor] ?? NO_REPLY;
      out[index] = isGone(error) ? { gone: true } : error ? { error } : { reading: parseFullReply(reply as unknown[], now) };
    }
    cursor += count;
  }
}

/**
 * Reads every planned stream, results in plan order. One server: one pipeline. A cluster pipeline
 * may only hold keys served by one node, so the streams are grouped by the master of their slot,
 * one pipeline per master, all masters in parallel (a stream whose slot the client does not know
 * yet gets a pipeline of its own).
 */
export async function readStreams(client: RedisClient, mode: ReadMode, plan: readonly PlannedStream[]): Promise<ReadResult[]> {
  const out: ReadResult[] = new Array<ReadResult>(plan.length);
  if (!isCluster(client)) {
    await readOnOneServer(client, mode, plan, plan.map((_, i) => i), out);
    await readLastEntries(client, plan, out);
    return out;
  }
  const byNode = new Map<string, number[]>();
  plan.forEach((stream, index) => {
    const node = client.slots[keySlot(stream.name)]?.[0] ?? `unknown:${stream.name}`;
    const indexes = byNode.get(node);
    if (indexes) indexes.push(index);
    else byNode.set(node, [index]);
  });
  await Promise.all([...byNode.values()].map((indexes) => readOnOneServer(client, mode, plan, indexes, out)));
  await readLastEntries(client, plan, out);
  return out;
}

/** The real last entry of the few FULL readings that need it for a lag estimate (see the top). */
async function readLastEntries(client: RedisClient, plan: readonly PlannedStream[], out: ReadResult[]): Promise<void> {
  const reads: Promise<void>[] = [];
  out.forEach((result, index) => {
    if (!('reading' in result) || !result.reading.needsLastEntry) return;
    const { reading } = result;
    reads.push(
      client.xrevrange(plan[index]!.name, '+', '-', 'COUNT', 1).then(
        (entries) => {
          reading.lastEntryId = entryIdOf(entries[0]);
        },
        () => undefined, // the last generated id stays the edge: an estimate a little high
      ),
    );
  });
  await Promise.all(reads);
}
