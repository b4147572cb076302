import type { Redis } from 'ioredis';
import { DiscoveryMessage } from '../../../../shared/schemas/rabbitmq-messages';
import { parseSeedMessage } from './parse-json';
import { RabbitConsumer, type Parsed, type RabbitConsumerOptions } from './rabbit-consumer';

/** Options of the discovery consumer: without Redis it validates and counts only. */
export interface DiscoveryProcessorOptions extends RabbitConsumerOptions {
  redis?: Redis | null;
}

/** The Redis hash of discovered systems: field = IP address, value = the discovery JSON. */
export function systemsKey(namespace: string): string {
  return `${namespace}watchfloor:systems`;
}

/**
 * `rabbit-discovery`: consumes `discovery_queue` (seed 002 scanner results) and records each
 * system in Redis. HSET by IP is idempotent, so a redelivery only rewrites the same value.
 */
export class DiscoveryProcessor extends RabbitConsumer<DiscoveryMessage> {
  readonly name = 'rabbit-discovery' as const;
  private readonly redis: Redis | null;
  private readonly key: string;

  constructor(options: DiscoveryProcessorOptions) {
    super('discovery_queue', 'RabbitMQ discovery consumer', options);
    this.redis = options.redis ?? null;
    this.key = systemsKey(options.namespace);
  }

  protected parse(content: Buffer): Parsed<DiscoveryMessage> {
    return parseSeedMessage(content, DiscoveryMessage);
  }

  protected handle(message: DiscoveryMessage): Promise<void> | void {
    if (!this.redis) return;
    return this.redis.hset(this.key, message.ip_address, JSON.stringify(message)).then(() => undefined);
  }
}
