import type { RedisClient } from './redis-client';
import { isFullUnsupported, readStreams, type PlannedStream, type ReadMode } from './stream-readings';
import type { StreamGroupInfo, StreamInfo } from '../../../../shared/model/overview';
import { isDeadLetterName } from '../../../../shared/model/topology';
import { bullQueueOfStream } from '../../../../shared/model/bullmq';
import { compareIds, idTime } from '../../../../shared/model/stream-ids';

export { parseGroupRow } from './stream-readings';

/**
 * The group's lag when the server does not tell it (Redis < 7 has no `lag`; Redis 7 answers nil
 * after entries were deleted from the middle). Exact at the edges — nothing after the last
 * delivered id → 0; last delivered id before the first entry → the whole length — and in between
 * interpolated on entry-id time, assuming entries spread evenly between the first and last entry:
 * `length × (tLast − tDelivered) / (tLast − tFirst)`, at least 1. No extra command: the stream's
 * XINFO reply already has the first and last entry (see stream-readings.ts for FULL's last entry).
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
 * Samples every known stream in ONE pipelined round trip (on a cluster, one per master, in
 * parallel): `XINFO STREAM … FULL COUNT 1` per stream, or on a server without FULL (Redis 5) the
 * classic commands, where a group created since the last tick shows its consumers one tick later
 * (see stream-readings.ts). Rates come from the difference with the previous sample.
 */
export class StreamSampler {
  private previous = new Map<string, Previous>();
  private mode: ReadMode;

  constructor(
    private readonly now: () => number = Date.now,
    /** The environment's namespace: BullMQ's internal streams under it are marked with their queue. */
    private readonly namespace = '',
    /** `classic` from the start (tests and the bench; a server without FULL switches by itself). */
    options: { mode?: ReadMode } = {},
  ) {
    this.mode = options.mode ?? 'full';
  }

  async sample(client: RedisClient, names: readonly string[]): Promise<StreamSample> {
    if (names.length === 0) return { streams: [], gone: [] };
    const plan: PlannedStream[] = names.map((name) => ({ name, groups: this.mode === 'classic' ? [...(this.previous.get(name)?.groups.keys() ?? [])] : [] }));
    const results = await readStreams(client, this.mode, plan);
    if (this.mode === 'full' && results.some((r) => 'error' in r && isFullUnsupported(r.error))) {
      this.mode = 'classic';
      return this.sample(client, names);
    }
    const at = this.now();
    const streams: StreamInfo[] = [];
    const gone: string[] = [];
    const next = new Map<string, Previous>();
    for (let i = 0; i < plan.length; i++) {
      const name = plan[i]!.name;
      const result = results[i]!;
      if ('gone' in result) {
        gone.push(name);
        continue;
      }
      if ('error' in result) throw result.error;
      const { reading } = result;
      const before = this.previous.get(name);
      const seconds = before ? (at - before.at) / 1000 : 0;
      const groups = reading.groups.map(({ group, consumers, oldestPendingId }) => {
        Object.assign(group, estimateLag(group, reading));
        group.readRate = rate(group.entriesRead, before?.groups.get(group.name), seconds);
        if (consumers) group.consumerList = consumers;
        if (oldestPendingId) group.oldestPendingMs = Math.max(0, at - idTime(oldestPendingId));
        return group;
      });
      const { length, entriesAdded } = reading;
      streams.push({
        name,
        length,
        groups,
        isDeadLetter: isDeadLetterName(name),
        bullQueue: bullQueueOfStream(name, this.namespace),
        entriesAdded,
        // Redis < 7 has no entries-added: the length difference stands in (it misses trimmed entries).
        addRate: entriesAdded !== null ? rate(entriesAdded, before?.entriesAdded, seconds) : rate(length, before?.length, seconds),
        lastEntryId: reading.lastGeneratedId,
      });
      next.set(name, { at, entriesAdded, length, groups: new Map(groups.map((g) => [g.name, g.entriesRead])) });
    }
    this.previous = next;
    return { streams, gone };
  }
}
