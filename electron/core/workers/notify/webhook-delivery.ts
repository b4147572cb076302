import { createHmac } from 'node:crypto';
import type { Redis } from 'ioredis';
import { STREAM_PAYLOAD_FIELD } from '../../../../shared/model/topology';
import { fieldOf } from '../../brokers/redis/fields';

export interface WebhookDeliveryOptions {
  url: string;
  /** HMAC-SHA256 key of the `X-Watchfloor-Signature` header. */
  secret: string;
  /** Seed 000's consumer group of the notifications stream. */
  group?: string;
  consumer: string;
  batch?: number;
  blockMs?: number;
  /** Entries pending this long with a consumer that went away are taken over. */
  reclaimIdleMs?: number;
  /** How long a delivered dedup key is remembered. */
  dedupTtlSec?: number;
  timeoutMs?: number;
}

export interface DeliveryStats {
  delivered: number;
  duplicates: number;
  failed: number;
  lastError: string | null;
}

/** `sha256=<hex>` over `<timestamp>.<body>`: what a receiver recomputes to trust a delivery. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Delivers `security.notifications` to a generic webhook, as the `webhook-sender` consumer group:
 * several senders share the work; each notification's `dedup_key` (`{alertId}:L{level}`) is
 * claimed in Redis before the POST (SET NX) and kept after a 2xx, so a repeat — a second entry
 * with the same key, or a redelivery — is dropped and counted, never sent twice. A failed POST
 * releases the claim and leaves the entry pending for a retry. Needs a connection of its own
 * (it blocks on XREADGROUP).
 */
export class WebhookDelivery {
  readonly stats: DeliveryStats = { delivered: 0, duplicates: 0, failed: 0, lastError: null };
  private isRunning = false;
  private loop: Promise<void> | null = null;
  private readonly stream: string;
  private readonly dedupPrefix: string;
  private readonly group: string;

  constructor(
    private readonly redis: Redis,
    namespace: string,
    private readonly options: WebhookDeliveryOptions,
  ) {
    this.stream = `${namespace}security.notifications`;
    this.dedupPrefix = `${namespace}watchfloor:notify:dedup:`;
    this.group = options.group ?? 'webhook-sender';
  }

  async start(): Promise<void> {
    try {
      await this.redis.xgroup('CREATE', this.stream, this.group, '0', 'MKSTREAM');
    } catch (error) {
      if (!String((error as Error).message).includes('BUSYGROUP')) throw error;
    }
    this.isRunning = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.isRunning = false;
    await this.loop;
  }

  private async run(): Promise<void> {
    const { consumer, batch = 100, blockMs = 500, reclaimIdleMs = 30_000 } = this.options;
    let rounds = 0;
    while (this.isRunning) {
      try {
        let entries: [string, string[]][] = [];
        if (rounds++ % 20 === 0) {
          const claimed = (await this.redis.xautoclaim(this.stream, this.group, consumer, reclaimIdleMs, '0-0', 'COUNT', batch)) as [string, [string, string[]][]];
          entries = claimed[1].filter((e) => Array.isArray(e[1]));
        }
        if (!entries.length) {
          const reply = (await this.redis.xreadgroup('GROUP', this.group, consumer, 'COUNT', batch, 'BLOCK', blockMs, 'STREAMS', this.stream, '>')) as [string, [string, string[]][]][] | null;
          entries = reply?.[0]?.[1] ?? [];
        }
        if (!entries.length) continue;
        const done = await Promise.all(entries.map(([id, fields]) => this.deliver(id, fields)));
        const acks = done.filter((id): id is string => id !== null);
        if (acks.length) await this.redis.xack(this.stream, this.group, ...acks);
      } catch (error) {
        this.stats.lastError = (error as Error).message;
        if (this.isRunning) await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  /** Returns the entry id to acknowledge, or null to leave it pending for a retry. */
  private async deliver(id: string, fields: string[]): Promise<string | null> {
    const body = fieldOf(fields, STREAM_PAYLOAD_FIELD) ?? '';
    let dedup: string;
    try {
      dedup = String((JSON.parse(body) as { dedup_key?: unknown }).dedup_key ?? id);
    } catch {
      dedup = id;
    }
    const key = this.dedupPrefix + dedup;
    const claimed = await this.redis.set(key, 'sending', 'PX', this.options.timeoutMs ?? 10_000, 'NX');
    if (!claimed) {
      this.stats.duplicates++;
      return id;
    }
    try {
      const timestamp = String(Date.now());
      const response = await fetch(this.options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-watchfloor-timestamp': timestamp, 'x-watchfloor-signature': webhookSignature(this.options.secret, timestamp, body), 'x-watchfloor-dedup-key': dedup },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
      if (!response.ok) throw new Error(`webhook answered ${response.status}`);
      await this.redis.set(key, 'sent', 'EX', this.options.dedupTtlSec ?? 86_400);
      this.stats.delivered++;
      return id;
    } catch (error) {
      await this.redis.del(key);
      this.stats.failed++;
      this.stats.lastError = (error as Error).message;
      return null;
    }
  }
}
