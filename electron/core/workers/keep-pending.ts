import type { RedisClient } from '../brokers/redis/redis-client';

/**
 * Resets the idle time of entries this consumer still holds (XCLAIM … JUSTID with no minimum
 * idle time), only where the entry is still pending with this consumer — never taking one that
 * another consumer took over. Entries waiting here for a retry or for a destination's circuit to
 * half-open must not look abandoned to the other consumers' XAUTOCLAIM: they would try them
 * against their own (closed) circuit and spend the retries the wait was saving.
 * KEYS: stream. ARGV: group, consumer, ids…  Returns how many were refreshed.
 */
const KEEP_PENDING = `
local n = 0
for i = 3, #ARGV do
  local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1, ARGV[2])
  if #p > 0 then
    redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID')
    n = n + 1
  end
end
return n
`;

/** Keeps `ids` (pending with `consumer`) from being reclaimed as idle; at most 500 per call. */
export async function keepPending(redis: RedisClient, stream: string, group: string, consumer: string, ids: string[]): Promise<number> {
  if (!ids.length) return 0;
  return (await redis.eval(KEEP_PENDING, 1, stream, group, consumer, ...ids.slice(0, 500))) as number;
}
