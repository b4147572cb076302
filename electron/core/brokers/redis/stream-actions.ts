import type { RedisClient } from './redis-client';
import { CodedError } from '../../../../shared/contract/errors';
import { DLQ_FIELDS } from '../../../../shared/model/dead-letter';
import { fieldMap } from './fields';

/** Upper bounds of one operator action, so a click can never turn into an unbounded scan. */
export const ACTION_LIMITS = { claimBatch: 500, maxClaimed: 10_000, pageSize: 500, maxMoved: 10_000, maxAckIds: 1000 } as const;

function notFound(error: unknown, stream: string, group: string): never {
  const message = String((error as Error).message);
  if (/NOGROUP|no such key/i.test(message)) throw new CodedError('NOT_FOUND', `no consumer group "${group}" on stream "${stream}" (deleted?)`);
  throw error;
}

/**
 * Claims entries idle longer than `minIdleMs` for `consumer` with XAUTOCLAIM, in bounded batches
 * following its cursor. Returns how many were claimed and the ids deleted meanwhile.
 */
export async function claimIdle(client: RedisClient, stream: string, group: string, consumer: string, minIdleMs: number): Promise<{ claimed: number; deletedIds: string[] }> {
  let cursor = '0-0';
  let claimed = 0;
  const deletedIds: string[] = [];
  try {
    do {
      const reply = (await client.xautoclaim(stream, group, consumer, minIdleMs, cursor, 'COUNT', ACTION_LIMITS.claimBatch, 'JUSTID')) as [string, string[], string[]?];
      cursor = reply[0];
      claimed += reply[1].length;
      deletedIds.push(...(reply[2] ?? []));
    } while (cursor !== '0-0' && claimed < ACTION_LIMITS.maxClaimed);
  } catch (error) {
    notFound(error, stream, group);
  }
  return { claimed, deletedIds };
}

/** Acknowledges the given entries in one XACK. */
export async function acknowledge(client: RedisClient, stream: string, group: string, ids: readonly string[]): Promise<{ acknowledged: number }> {
  if (ids.length > ACTION_LIMITS.maxAckIds) throw new CodedError('VALIDATION', `at most ${ACTION_LIMITS.maxAckIds} ids per acknowledgment`);
  try {
    return { acknowledged: Number(await client.xack(stream, group, ...ids)) };
  } catch (error) {
    return notFound(error, stream, group);
  }
}

/**
 * Per id, atomically: skip unless still pending in the group; copy the entry (fields unchanged)
 * to the DLQ with the origin metadata; acknowledge it. Copy before acknowledge, never the reverse.
 * KEYS: stream, dlq. ARGV: group, reason, failedAt, then id/deliveries pairs.
 */
const MOVE_TO_DLQ = `
local moved = 0
for i = 4, #ARGV, 2 do
  local id = ARGV[i]
  local pending = redis.call('XPENDING', KEYS[1], ARGV[1], id, id, 1)
  if #pending == 1 then
    local entries = redis.call('XRANGE', KEYS[1], id, id)
    if #entries == 1 then
      local fields = entries[1][2]
      table.insert(fields, '${DLQ_FIELDS.originStream}') table.insert(fields, KEYS[1])
      table.insert(fields, '${DLQ_FIELDS.originGroup}') table.insert(fields, ARGV[1])
      table.insert(fields, '${DLQ_FIELDS.originId}') table.insert(fields, id)
      table.insert(fields, '${DLQ_FIELDS.error}') table.insert(fields, ARGV[2])
      table.insert(fields, '${DLQ_FIELDS.attempts}') table.insert(fields, ARGV[i + 1])
      table.insert(fields, '${DLQ_FIELDS.failedAt}') table.insert(fields, ARGV[3])
      redis.call('XADD', KEYS[2], '*', unpack(fields))
      moved = moved + 1
    end
    redis.call('XACK', KEYS[1], ARGV[1], id)
  end
end
return moved
`;

/**
 * Moves every pending entry delivered more than `minDeliveries` times to `dlq`, walking the
 * pending-entries list in pages (exclusive cursor, COUNT) and moving each page with one script.
 * An entry deleted from the stream meanwhile is acknowledged (nothing is left to move).
 */
export async function moveOverDeliveredToDlq(
  client: RedisClient,
  stream: string,
  group: string,
  minDeliveries: number,
  dlq: string,
  now: number,
): Promise<{ moved: number; scanned: number }> {
  let after: string | undefined;
  let moved = 0;
  let scanned = 0;
  for (;;) {
    let rows: [string, string, number, number][];
    try {
      rows = (await client.xpending(stream, group, after ? `(${after}` : '-', '+', ACTION_LIMITS.pageSize)) as [string, string, number, number][];
    } catch (error) {
      return notFound(error, stream, group);
    }
    scanned += rows.length;
    const over = rows.filter((row) => Number(row[3]) > minDeliveries);
    if (over.length > 0) {
      const args = over.flatMap(([id, , , deliveries]) => [id, String(deliveries)]);
      const reason = `moved by operator: delivered more than ${minDeliveries} times`;
      moved += Number(await client.eval(MOVE_TO_DLQ, 2, stream, dlq, group, reason, new Date(now).toISOString(), ...args));
    }
    if (rows.length < ACTION_LIMITS.pageSize || moved >= ACTION_LIMITS.maxMoved) break;
    after = rows[rows.length - 1]![0];
  }
  return { moved, scanned };
}

/**
 * Deletes a consumer from a group. Its pending entries would drop out of the group's
 * pending list with it, so that is refused unless `force` (claim them first).
 */
export async function deleteConsumer(client: RedisClient, stream: string, group: string, consumer: string, force: boolean): Promise<{ droppedPending: number }> {
  let consumers: unknown[][];
  try {
    consumers = (await client.xinfo('CONSUMERS', stream, group)) as unknown[][];
  } catch (error) {
    return notFound(error, stream, group);
  }
  const row = consumers.map(fieldMap).find((c) => c.get('name') === consumer);
  if (!row) throw new CodedError('NOT_FOUND', `no consumer "${consumer}" in group "${group}"`);
  const pending = Number(row.get('pending') ?? 0);
  if (pending > 0 && !force) {
    throw new CodedError('CONFLICT', `consumer "${consumer}" still has ${pending} pending entries; claim them to another consumer first, or force the deletion (they would no longer be tracked)`);
  }
  return { droppedPending: Number(await client.xgroup('DELCONSUMER', stream, group, consumer)) };
}
