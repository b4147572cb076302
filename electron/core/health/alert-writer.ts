import type { Redis } from 'ioredis';
import { requireStandalone, type RedisClient } from '../brokers/redis/redis-client';
import { STREAM_PAYLOAD_FIELD } from '../../../shared/model/topology';
import type { SecurityAlert } from '../../../shared/schemas/security-streams';

/** What the engine needs to publish an alert once per firing episode across consoles. */
export interface AlertWriter {
  /**
   * Claims the episode marker `episodeKey` (expiring after `ttlMs`) and, only if this call got it,
   * appends the alert. Returns the stream entry id, or null when another console (or an earlier
   * tick) already holds the marker.
   */
  writeOnce(episodeKey: string, ttlMs: number, alert: SecurityAlert): Promise<string | null>;
  /** Extends the marker while the rule keeps firing. */
  renew(episodeKey: string, ttlMs: number): Promise<void>;
}

// SET NX and XADD in one script: a console that dies between the two cannot leave a marker
// without its alert, and two consoles cannot both append.
const WRITE_ONCE = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return redis.call('XADD', KEYS[2], '*', ARGV[3], ARGV[4])
end
return false
`;

/** Writes alerts to the environment's `security.alerts` stream, guarded by a Redis marker. */
export class RedisAlertWriter implements AlertWriter {
  constructor(
    private readonly redis: () => RedisClient | null,
    private readonly alertStream: string,
    private readonly consoleId: string,
  ) {}

  async writeOnce(episodeKey: string, ttlMs: number, alert: SecurityAlert): Promise<string | null> {
    const redis = this.client();
    const result = await redis.eval(WRITE_ONCE, 2, episodeKey, this.alertStream, this.consoleId, String(ttlMs), STREAM_PAYLOAD_FIELD, JSON.stringify(alert));
    return typeof result === 'string' ? result : null;
  }

  async renew(episodeKey: string, ttlMs: number): Promise<void> {
    await this.client().pexpire(episodeKey, ttlMs);
  }

  private client(): Redis {
    const redis = this.redis();
    if (!redis) throw new Error('Redis is not connected');
    return requireStandalone(redis, 'Health alerts (one script over the episode key and the alert stream)');
  }
}
