import os from 'node:os';
import { Redis } from 'ioredis';
import type { ProcessorName } from '../../shared/model/workers';
import { StreamConsumer, type StreamConsumerOptions } from '../../electron/core/workers/stream-consumer';
import type { Outcome, StreamHandler, StreamMessage } from '../../electron/core/workers/stream-handler';
import { REDIS_URL } from './brokers';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * A stream consumer on the shared test Redis with short timings. Its group starts at the stream's
 * first entry (`fromStart`): these tests write their entries before the consumer starts.
 */
export function testConsumer(options: Partial<StreamConsumerOptions> & { stream: string; group: string; handler: StreamHandler; namespace: string; name?: ProcessorName; url?: string }): StreamConsumer {
  return new StreamConsumer({
    name: options.name ?? 'event',
    title: 'Test processor',
    consumerPrefix: `${os.hostname()}-${process.pid}`,
    keyPrefix: `${options.namespace}watchfloor:workers:`,
    settings: { concurrency: 1, batch: 100 },
    createClient: () => new Redis(options.url ?? REDIS_URL, { maxRetriesPerRequest: null, retryStrategy: (n) => Math.min(n * 100, 1000) }),
    clock: { now: () => Date.now() },
    logger: silent,
    blockMs: 100,
    reclaimEveryMs: 200,
    fromStart: true,
    ...options,
  });
}

/**
 * Wraps a handler so chosen messages fail: `failWhen(message, attempt)` true → that attempt fails.
 * Records every attempt's time per message id.
 */
export function failing(inner: StreamHandler, failWhen: (message: StreamMessage) => boolean): StreamHandler & { attempts: Map<string, number[]> } {
  const attempts = new Map<string, number[]>();
  return {
    mode: inner.mode,
    attempts,
    dedupId: (m) => inner.dedupId(m),
    retryPolicy: (m) => inner.retryPolicy(m),
    deadLetterStream: (m) => inner.deadLetterStream(m),
    async handle(messages) {
      const outcomes = await inner.handle(messages);
      return messages.map((m, i): Outcome => {
        const list = attempts.get(m.id) ?? [];
        list.push(Date.now());
        attempts.set(m.id, list);
        return outcomes[i]!.kind === 'done' && failWhen(m) ? { kind: 'retry', error: `injected failure of ${m.id}` } : outcomes[i]!;
      });
    },
  };
}
