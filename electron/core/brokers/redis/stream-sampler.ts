import { fieldMap } from './fields';
import { isCluster, keySlot, type RedisClient } from './redis-client';
import type { ConsumerInfo, StreamGroupInfo, StreamInfo } from '../../../../shared/model/overview';
import { isDeadLetterName } from '../../../../shared/model/topology';
import { bullQueueOfStream } from '../../../../shared/model/bullmq';
import { compareIds, idTime } from '../../../../shared/model/stream-ids';

const numberOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

/** Turns one XINFO GROUPS reply row into a group record (rates and consumers filled in later). */
export function parseGroupRow(row: unknown[]): StreamGroupInfo {
  const fields = fieldMap(row);
  return {
    name: String(fields.get('name') ?? ''),
    consumers: Number(fields.get('consumers') ?? 0),
    pending: Number(fields.get('pending') ?? 0),
    lag: numberOrNull(fields.get('lag')),
    lagEstimated: false,
    lastDeliveredId: String(fields.get('last-delivered-id') ?? '0-0'),
    entriesRead: numberOrNull(fields.get('entries-read')),
    readRate: null,
    oldestPendingMs: null,
    consumerList: [],
  };
}

/**
 * The group's lag when the server does not tell it (Redis < 7 has no `lag`; Redis 7 answers nil
 * after entries were deleted from the middle). Exact at the edges — nothing after the last
 * delivered id → 0; last delivered id before the first entry → the whole length — and in between
 * interpolated on entry-id time, assuming entries spread evenly between the first and last entry:
 * `length × (tLast − tDelivered) / (tLast − tFirst)`, at least 1. No extra command: XINFO STREAM
 * already returns the first and last entry.
 */
export function estimateLag(
  group: Pick<StreamGroupInfo, 'lag' | 'lastDeliveredId'>,
  stream: { length: number; firstEntryId: string | null; lastEntryId: string | null },
): { lag: number | null; lagEstimated: boolean } {
  if (group.lag !== null) return { lag: group.lag, lagEstimated: false };
  if (stream.length === 0 || stream.lastEntryId === null || stream.firstEntryId === null) return { lag: 0, lagEstimated: false };
  if (compareIds(group.lastDeliveredId, stream.lastEntryId) >= 0) return { lag: 0, lagEstimated: false };
  if (compareIds(group.lastDeliveredId, stream.firstEntryId) < 0) return { lag: stream.length, lagEstimated: false };
  const first = idTime(stream.firstEntryId);
  const last = idTime(stream.lastEntryId);
  const delivered = idTime(group.lastDeliveredId);
  const share = last > first ? (last - delivered) / (last - first) : 0.5;
  return { lag: Math.min(stream.length, Math.max(1, Math.round(stream.length * share))), lagEstimated: true };
}

/** The id of an XINFO STREAM `first-entry` / `last-entry` value ([id, fields] or nil). */
function entryIdOf(value: unknown): string | null {
  return Array.isArray(value) && typeof value[0] === 'string' ? value[0] : null;
}

export interface StreamSample {
  streams: StreamInfo[];
  /** Names that no longer exist (deleted since discovery). */
  gone: string[];
}

interface Previous {
  at: number;
  entriesAdded: number | null;
  length: number;
  groups: Map<string, number | null>;
}

const rate = (now: number | null, before: number | null | undefined, seconds: number): number | null =>
  now === null || before === null || before === undefined || seconds <= 0 ? null : Math.max(0, (now - before) / seconds);

type Reply = [Error | null, unknown];

/** Queues one stream's commands: XINFO STREAM, XINFO GROUPS, and per known group XINFO CONSUMERS and the XPENDING summary. */
function queueStream(pipeline: ReturnType<RedisClient['pipeline']>, { name, groups }: { name: string; groups: string[] }): void {
  pipeline.xinfo('STREAM', name);
  pipeline.xinfo('GROUPS', name);
  for (const group of groups) {
    pipeline.xinfo('CONSUMERS', name, group);
    pipeline.xpending(name, group);
  }
}

/**
 * Runs the plan's commands and returns the replies in plan order. One server: one pipeline. A
 * cluster pipeline may only hold keys served by one node, so the streams are grouped by the master
 * of their slot, one pipeline per master, all masters in parallel (a stream whose slot the client
 * does not know yet gets a pipeline of its own).
 */
async function execPlan(client: RedisClient, plan: { name: string; groups: string[] }[]): Promise<Reply[]> {
  if (!isCluster(client)) {
    const pipeline = client.pipeline();
    for (const stream of plan) queueStream(pipeline, stream);
    return ((await pipeline.exec()) ?? []) as Reply[];
  }
  const byNode = new Map<string, number[]>();
  plan.forEach((stream, index) => {
    const node = client.slots[keySlot(stream.name)]?.[0] ?? `unknown:${stream.name}`;
    byNode.set(node, [...(byNode.get(node) ?? []), index]);
  });
  const perStream: Reply[][] = [];
  await Promise.all(
    [...byNode.values()].map(async (indexes) => {
      const pipeline = client.pipeline();
      for (const index of indexes) queueStream(pipeline, plan[index]!);
      const replies = ((await pipeline.exec()) ?? []) as Reply[];
      let cursor = 0;
      for (const index of indexes) {
        const count = 2 + 2 * plan[index]!.groups.length;
        perStream[index] = Array.from({ length: count }, (_, i): Reply => replies[cursor + i] ?? [new Error('no reply'), null]);
        cursor += count;
      }
    }),
  );
  return perStream.flat();
}

/**
 * Samples every known stream in ONE pipelined round trip (on a cluster, one per master, in parallel): per stream XINFO STREAM and
 * XINFO GROUPS, and per group known from the previous tick XINFO CONSUMERS and the XPENDING
 * summary (a group created since shows up at once, its consumers one tick later). Rates come
 * from the difference with the previous sample.
 */
export class StreamSampler {
  private previous = new Map<string, Previous>();

  constructor(
    private readonly now: () => number = Date.now,
    /** The environment's namespace: BullMQ's internal streams under it are marked with their queue. */
    private readonly namespace = '',
  ) {}

  async sample(client: RedisClient, names: readonly string[]): Promise<StreamSample> {
    if (names.length === 0) return { streams: [], gone: [] };
    const plan: { name: string; groups: string[] }[] = names.map((name) => ({ name, groups: [...(this.previous.get(name)?.groups.keys() ?? [])] }));
    const replies = await execPlan(client, plan);
    const at = this.now();
    const streams: StreamInfo[] = [];
    const gone: string[] = [];
    const next = new Map<string, Previous>();
    let cursor = 0;
    for (const { name, groups: knownGroups } of plan) {
      const [streamError, streamReply] = replies[cursor++] ?? [new Error('no reply'), null];
      const [groupsError, groupsReply] = replies[cursor++] ?? [new Error('no reply'), null];
      const perGroup = new Map<string, { consumers: unknown; pending: unknown }>();
      for (const group of knownGroups) {
        const [consumersError, consumers] = replies[cursor++] ?? [new Error('no reply'), null];
        const [pendingError, pending] = replies[cursor++] ?? [new Error('no reply'), null];
        // A group deleted since the last tick answers NOGROUP: it is simply not there any more.
        if (!consumersError && !pendingError) perGroup.set(group, { consumers, pending });
      }
      if ((streamError && /no such key/i.test(streamError.message)) || (groupsError && /no such key/i.test(groupsError.message))) {
        gone.push(name);
        continue;
      }
      if (streamError) throw streamError;
      if (groupsError) throw groupsError;
      const info = fieldMap(streamReply as unknown[]);
      const length = Number(info.get('length') ?? 0);
      const entriesAdded = numberOrNull(info.get('entries-added'));
      const before = this.previous.get(name);
      const seconds = before ? (at - before.at) / 1000 : 0;
      const edges = { length, firstEntryId: entryIdOf(info.get('first-entry')), lastEntryId: entryIdOf(info.get('last-entry')) };
      const groups = (groupsReply as unknown[][]).map((row) => {
        const group = parseGroupRow(row);
        Object.assign(group, estimateLag(group, edges));
        group.readRate = rate(group.entriesRead, before?.groups.get(group.name), seconds);
        const extra = perGroup.get(group.name);
        if (extra) {
          group.consumerList = (extra.consumers as unknown[][]).map((c): ConsumerInfo => {
            const f = fieldMap(c);
            return { name: String(f.get('name') ?? ''), pending: Number(f.get('pending') ?? 0), idleMs: Number(f.get('idle') ?? 0) };
          });
          const summary = extra.pending as [number, string | null, string | null, unknown];
          group.oldestPendingMs = summary[0] > 0 && summary[1] ? Math.max(0, at - idTime(summary[1])) : null;
        }
        return group;
      });
      const lastEntryId = info.get('last-generated-id');
      streams.push({
        name,
        length,
        groups,
        isDeadLetter: isDeadLetterName(name),
        bullQueue: bullQueueOfStream(name, this.namespace),
        entriesAdded,
        // Redis < 7 has no entries-added: the length difference stands in (it misses trimmed entries).
        addRate: entriesAdded !== null ? rate(entriesAdded, before?.entriesAdded, seconds) : rate(length, before?.length, seconds),
        lastEntryId: typeof lastEntryId === 'string' && lastEntryId !== '0-0' ? lastEntryId : null,
      });
      next.set(name, { at, entriesAdded, length, groups: new Map(groups.map((g) => [g.name, g.entriesRead])) });
    }
    this.previous = next;
    return { streams, gone };
  }
}
