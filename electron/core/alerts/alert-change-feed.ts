import type { Redis } from 'ioredis';
import { STREAM_PAYLOAD_FIELD } from '../../../shared/model/topology';
import { fieldOf } from '../brokers/redis/fields';

type StreamReply = [string, [string, string[]][]][] | null;

/** Entries read per XREAD of the change feed. */
const FEED_BATCH = 1000;

/**
 * The alert change feed of one environment: every change of any alert is one entry of the team
 * audit stream, read with XREAD BLOCK on a connection of its own (blocking reads never hold the
 * shared one), so another console's acknowledgment is seen within a round trip instead of a poll
 * interval. The block is short (`blockMs`) so `stop()` is prompt even if the disconnect is slow.
 *
 * Guarantees: the cursor (last id applied) only moves after the listener has the alerts of a
 * batch, so a read that fails — the connection dropped, a timeout — is simply issued again from
 * the same id once the connection is back: nothing missed across a reconnect, nothing applied
 * twice. Redis Cluster never gets here: the alert service only exists on one server.
 */
export class AlertChangeFeed {
  private connection: Redis | null = null;
  private cursor: string | null = null;
  private stopped = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly client: Redis,
    private readonly auditKey: string,
    /** The alerts named by a batch of entries (fetched on the shared connection). */
    private readonly changed: (alertIds: string[]) => Promise<void>,
    private readonly onError: (error: unknown) => void,
    private readonly options: { blockMs?: number; retryMs?: number } = {},
  ) {}

  /** Starts following from the stream's end (changes from before are not news). */
  start(): void {
    if (this.loop || this.stopped) return;
    // Its own connection: no offline queue, no resend — a failed read is re-issued by the loop from its cursor.
    this.connection = this.client.duplicate({ lazyConnect: false, enableOfflineQueue: false, maxRetriesPerRequest: 0, connectionName: 'watchfloor-alert-feed' });
    this.connection.on('error', () => undefined);
    this.connection.on('ready', () => this.wake?.());
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    this.connection?.disconnect();
    await this.loop;
    this.loop = null;
  }

  /** The last audit entry applied (for tests and diagnostics). */
  get lastId(): string | null {
    return this.cursor;
  }

  private async run(): Promise<void> {
    const blockMs = this.options.blockMs ?? 1000;
    while (!this.stopped) {
      const connection = this.connection!;
      if (connection.status !== 'ready') {
        await this.pause(this.options.retryMs ?? 250);
        continue;
      }
      try {
        if (this.cursor === null) {
          const last = (await connection.xrevrange(this.auditKey, '+', '-', 'COUNT', 1)) as [string, string[]][];
          this.cursor = last[0]?.[0] ?? '0-0';
          continue;
        }
        const reply = (await connection.xread('COUNT', FEED_BATCH, 'BLOCK', blockMs, 'STREAMS', this.auditKey, this.cursor)) as StreamReply;
        const entries = reply?.[0]?.[1] ?? [];
        if (!entries.length || this.stopped) continue;
        const ids = new Set<string>();
        for (const [, fields] of entries) {
          try {
            const entry = JSON.parse(fieldOf(fields, STREAM_PAYLOAD_FIELD) ?? '{}') as { alertId?: string };
            if (entry.alertId) ids.add(entry.alertId);
          } catch {
            // Not ours to judge: an unreadable audit entry names no alert.
          }
        }
        if (ids.size) await this.changed([...ids]);
        this.cursor = entries[entries.length - 1]![0];
      } catch (error) {
        if (this.stopped) return;
        if (connection.status === 'ready') this.onError(error);
        await this.pause(this.options.retryMs ?? 250);
      }
    }
  }

  /** Waits `ms`, or less when the connection becomes ready or the feed stops. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }
}
