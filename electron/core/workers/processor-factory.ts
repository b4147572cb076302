import type { Redis } from 'ioredis';
import type { RedisClient } from '../brokers/redis/redis-client';
import type { ProcessorName, ProcessorSettings } from '../../../shared/model/workers';
import type { ResolvedEnvironment } from '../environments/resolved-environment';
import type { Clock, Logger } from '../ports';
import type { PayloadKeyringData } from '../payload-crypto';
import type { ResolvedDestinations } from './destinations-store';
import type { CircuitBreakerOptions } from './notify/circuit-breaker';
import type { Processor } from './processor';
import type { CatalogEntry } from './processor-catalog';
import type { StreamConsumer } from './stream-consumer';
import type { StreamHandler } from './stream-handler';

// The types between the worker runtime and the processor factories, in a module of their own so
// the factories (which the runtime imports) need not import the runtime back.

/** Everything a set of workers needs; plain data, so it can be handed to a worker thread. */
export interface WorkerRuntimeConfig {
  env: Pick<ResolvedEnvironment, 'redis' | 'amqp' | 'postgres'> & Partial<Pick<ResolvedEnvironment, 'management'>> & { id: string; namespace: string; payloadKeys?: PayloadKeyringData | null };
  /** Where the notification senders deliver (secrets included); a sender without one cannot run. */
  destinations?: ResolvedDestinations;
  /** Routing rules document (seed 000 `routing_rules` YAML); the seed's rules when absent. */
  rulesYaml?: string;
  /** Per-processor settings over the seed defaults. */
  settings?: Partial<Record<ProcessorName, ProcessorSettings>>;
  /** `host-pid` by default: how this process's consumers are named. */
  consumerPrefix?: string;
  /** Sender retry delays, timeouts and circuit breaker thresholds (tests shorten them; seed 001 by default). */
  notifyOptions?: { retryDelays?: { exponentialBaseMs?: number; fixedDelayMs?: number }; timeoutMs?: number; breaker?: Partial<CircuitBreakerOptions> };
  /** Shorter timings for tests. */
  timings?: { blockMs?: number; reclaimEveryMs?: number; reclaimIdleMs?: number; escalationTickMs?: number };
}

/** How one start runs its processors. */
export interface StartOptions {
  /** Groups this start creates begin at the stream's first entry (its history is processed), not at its end (`$`). */
  fromStart?: boolean;
}

/** What the runtime needs from its host. */
export interface WorkerRuntimeDeps {
  clock: Clock;
  logger: Logger;
}

/**
 * A factory of one processor; returns a reason string when the processor cannot run with this
 * configuration (no RabbitMQ, no destination configured).
 */
export type ProcessorFactory = (context: FactoryContext) => Processor | string;

export interface FactoryContext {
  name: ProcessorName;
  /** The processor's catalog entry (title, seed source and group). */
  entry: CatalogEntry;
  config: WorkerRuntimeConfig;
  deps: WorkerRuntimeDeps;
  settings: ProcessorSettings;
  consumerPrefix: string;
  /** A Redis Streams processor over `handler` with the catalog's stream and group. */
  streamConsumer(handler: StreamHandler): StreamConsumer;
  /** A shared, non-blocking connection (alert store, metrics writes); throws on a Redis Cluster. */
  sharedRedis(): Redis;
  /** The same shared connection, a `Cluster` on a cluster: for single-key reads that work on both. */
  sharedClient(): RedisClient;
}
