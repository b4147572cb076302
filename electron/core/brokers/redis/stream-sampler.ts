import type { Redis } from 'ioredis';
import type { StreamGroupInfo, StreamInfo } from '../../../../shared/model/overview';
import { isDeadLetterName } from '../../../../shared/model/topology';

/** Turns one XINFO GROUPS reply row (a flat field/value array) into a group record. */
export function parseGroupRow(row: unknown[]): StreamGroupInfo {
  const fields = new Map<string, unknown>();
  for (let i = 0; i + 1 < row.length; i += 2) fields.set(String(row[i]), row[i + 1]);
  const num = (key: string) => {
    const v = fields.get(key);
    return v === null || v === undefined ? null : Number(v);
  };
  return {
    name: String(fields.get('name') ?? ''),
    consumers: num('consumers') ?? 0,
    pending: num('pending') ?? 0,
    lag: num('lag'),
    lastDeliveredId: String(fields.get('last-delivered-id') ?? '0-0'),
  };
}

export interface StreamSample {
  streams: StreamInfo[];
  /** Names that no longer exist (deleted since discovery). */
  gone: string[];
}

/**
 * Samples every known stream in ONE pipelined round trip: XLEN and XINFO GROUPS per stream.
 * A stream that vanished answers "no such key" to XINFO GROUPS and is reported as gone.
 */
export async function sampleStreams(client: Redis, names: readonly string[]): Promise<StreamSample> {
  if (names.length === 0) return { streams: [], gone: [] };
  const pipeline = client.pipeline();
  for (const name of names) {
    pipeline.xlen(name);
    pipeline.xinfo('GROUPS', name);
  }
  const replies = (await pipeline.exec()) ?? [];
  const streams: StreamInfo[] = [];
  const gone: string[] = [];
  names.forEach((name, index) => {
    const [lengthError, length] = replies[index * 2] ?? [new Error('no reply'), null];
    const [groupsError, groups] = replies[index * 2 + 1] ?? [new Error('no reply'), null];
    if (groupsError && /no such key/i.test(groupsError.message)) {
      gone.push(name);
      return;
    }
    if (lengthError) throw lengthError;
    if (groupsError) throw groupsError;
    streams.push({
      name,
      length: Number(length),
      groups: (groups as unknown[][]).map(parseGroupRow),
      isDeadLetter: isDeadLetterName(name),
    });
  });
  return { streams, gone };
}
