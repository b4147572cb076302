import type { Redis } from 'ioredis';
import type { ConsumerInfo, StreamGroupInfo, StreamInfo } from '../../../../shared/model/overview';
import { isDeadLetterName } from '../../../../shared/model/topology';

/** Turns a flat field/value reply (XINFO …) into a map. */
export function fieldMap(row: unknown[]): Map<string, unknown> {
  const fields = new Map<string, unknown>();
  for (let i = 0; i + 1 < row.length; i += 2) fields.set(String(row[i]), row[i + 1]);
  return fields;
}

const numberOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

/** Milliseconds part of a stream entry id ("1700000000000-3" → 1700000000000). */
export function idTime(id: string): number {
  const dash = id.indexOf('-');
  return Number(dash < 0 ? id : id.slice(0, dash));
}

/** Turns one XINFO GROUPS reply row into a group record (rates and consumers filled in later). */
export function parseGroupRow(row: unknown[]): StreamGroupInfo {
  const fields = fieldMap(row);
  return {
    name: String(fields.get('name') ?? ''),
    consumers: Number(fields.get('consumers') ?? 0),
    pending: Number(fields.get('pending') ?? 0),
    lag: numberOrNull(fields.get('lag')),
    lastDeliveredId: String(fields.get('last-delivered-id') ?? '0-0'),
    entriesRead: numberOrNull(fields.get('entries-read')),
    readRate: null,
    oldestPendingMs: null,
    consumerList: [],
  };
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

/**
 * Samples every known stream in ONE pipelined round trip: per stream XINFO STREAM and
 * XINFO GROUPS, and per group known from the previous tick XINFO CONSUMERS and the XPENDING
 * summary (a group created since shows up at once, its consumers one tick later). Rates come
 * from the difference with the previous sample.
 */
export class StreamSampler {
  private previous = new Map<string, Previous>();

  constructor(private readonly now: () => number = Date.now) {}

  async sample(client: Redis, names: readonly string[]): Promise<StreamSample> {
    if (names.length === 0) return { streams: [], gone: [] };
    const pipeline = client.pipeline();
    const plan: { name: string; groups: string[] }[] = [];
    for (const name of names) {
      const groups = [...(this.previous.get(name)?.groups.keys() ?? [])];
      plan.push({ name, groups });
      pipeline.xinfo('STREAM', name);
      pipeline.xinfo('GROUPS', name);
      for (const group of groups) {
        pipeline.xinfo('CONSUMERS', name, group);
        pipeline.xpending(name, group);
      }
    }
    const replies = (await pipeline.exec()) ?? [];
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
      const groups = (groupsReply as unknown[][]).map((row) => {
        const group = parseGroupRow(row);
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
