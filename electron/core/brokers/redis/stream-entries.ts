import { CodedError } from '../../../../shared/contract/errors';
import { STREAM_PAYLOAD_FIELD } from '../../../../shared/model/topology';
import { STREAM_ENTRY_LIMITS, type StreamEntriesPage, type StreamEntry, type StreamEntryField } from '../../../../shared/model/stream-entries';
import { idTime } from '../../../../shared/model/stream-ids';
import { decryptPayload } from '../../payload-crypto';
import { previewOf } from '../payload-preview';
import type { RedisClient } from './redis-client';

type RawEntry = [Buffer, Buffer[]];

export interface EntriesQuery {
  order: 'newest' | 'oldest';
  /** Exclusive cursor: the last id of the previous page. */
  after?: string;
  /** Inclusive start: an entry id or a millisecond time; ignored when `after` is given. */
  from?: string;
  count: number;
  previewBytes: number;
}

/**
 * One page of a stream's entries with every field (the stream browser of RedisInsight):
 * `XREVRANGE`/`XRANGE` with a COUNT and a cursor, never the whole stream, in one round trip with
 * `TYPE` and `XLEN` so a stream deleted mid-view and a key that is not a stream are told apart
 * from an empty one. Values are read as bytes: binary shows as hex, huge values are cut at
 * `previewBytes`, and the page stops early once its previews reach the page budget.
 */
export async function entriesPage(client: RedisClient, stream: string, query: EntriesQuery, payloadKey: Buffer | null = null): Promise<StreamEntriesPage> {
  const { order, after, from, count } = query;
  const start = after ? `(${after}` : from ?? (order === 'newest' ? '+' : '-');
  const pipeline = client.pipeline();
  pipeline.type(stream);
  pipeline.xlen(stream);
  if (order === 'newest') pipeline.xrevrangeBuffer(stream, start, '-', 'COUNT', count);
  else pipeline.xrangeBuffer(stream, start, '+', 'COUNT', count);
  const [[typeError, type], [lengthError, length], [rangeError, raw]] = ((await pipeline.exec()) ?? []) as unknown as [[Error | null, unknown], [Error | null, unknown], [Error | null, unknown]];
  if (typeError) throw typeError;
  if (type === 'none') throw new CodedError('NOT_FOUND', `no stream "${stream}" (deleted?)`);
  if (type !== 'stream') throw new CodedError('CONFLICT', `"${stream}" is a ${String(type)}, not a stream`);
  if (lengthError) throw lengthError;
  if (rangeError) throw /invalid stream id/i.test(rangeError.message) ? new CodedError('VALIDATION', `not a stream position: ${from ?? after}`) : rangeError;
  const rows = raw as RawEntry[];
  const previewBytes = Math.min(query.previewBytes, STREAM_ENTRY_LIMITS.maxPreviewBytes);
  const entries: StreamEntry[] = [];
  let budget = STREAM_ENTRY_LIMITS.pageBudgetBytes;
  for (const row of rows) {
    if (entries.length > 0 && budget <= 0) break;
    const entry = toStreamEntry(row, previewBytes, payloadKey);
    budget -= entry.fields.reduce((sum, f) => sum + f.preview.length + f.name.length, 0);
    entries.push(entry);
  }
  const isCut = entries.length < rows.length;
  return { stream, length: Number(length), order, entries, nextAfter: isCut || entries.length === count ? entries[entries.length - 1]!.id : null };
}

/** One raw entry as shown: fields in order, each a preview; the payload field opened when the environment has a key. */
export function toStreamEntry(raw: RawEntry, previewBytes: number, payloadKey: Buffer | null): StreamEntry {
  const id = raw[0].toString();
  const values = raw[1];
  const fields: StreamEntryField[] = [];
  let size = 0;
  for (let i = 0; i + 1 < values.length; i += 2) {
    const nameBytes = values[i]!;
    const value = values[i + 1]!;
    size += nameBytes.length + value.length;
    if (fields.length >= STREAM_ENTRY_LIMITS.maxFields) continue;
    const name = previewOf(nameBytes, 256).preview;
    const opened = payloadKey && name === STREAM_PAYLOAD_FIELD ? decryptPayload(value, payloadKey) : null;
    if (opened && 'plain' in opened) fields.push({ name, ...previewOf(opened.plain, previewBytes), decrypted: true });
    else fields.push({ name, ...previewOf(value, previewBytes), ...(opened ? { decryptError: opened.error } : {}) });
  }
  return { id, at: idTime(id), fields, fieldCount: Math.floor(values.length / 2), size };
}
