import type { RedisClient } from './redis-client';
import { CodedError } from '../../../../shared/contract/errors';
import type { PendingPage } from '../../../../shared/model/overview';

/**
 * One page of a group's pending-entries list, oldest first: `XPENDING key group (after + count`,
 * an exclusive cursor and a COUNT, never the whole list.
 */
export async function pendingPage(client: RedisClient, stream: string, group: string, count: number, after?: string): Promise<PendingPage> {
  let rows: [string, string, number, number][];
  try {
    rows = (await client.xpending(stream, group, after ? `(${after}` : '-', '+', count)) as [string, string, number, number][];
  } catch (error) {
    const message = String((error as Error).message);
    if (/NOGROUP|no such key/i.test(message)) throw new CodedError('NOT_FOUND', `no consumer group "${group}" on stream "${stream}" (deleted?)`);
    throw error;
  }
  const entries = rows.map(([id, consumer, idleMs, deliveries]) => ({ id, consumer, idleMs: Number(idleMs), deliveries: Number(deliveries) }));
  return { entries, nextAfter: entries.length === count ? entries[entries.length - 1]!.id : null };
}
