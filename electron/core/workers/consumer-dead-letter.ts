import type { Clock } from '../ports';
import { isExhausted, retryDelayMs } from './backoff';
import type { ProcessorStats } from './processor-stats';
import type { StreamHandler, StreamMessage } from './stream-handler';
import { deadLetter, type ScriptClient, type ScriptScope } from './stream-scripts';

/** What the retries of one consumer loop use: the parts its processor shares. */
export interface RetryParts {
  options: { handler: StreamHandler; clock: Clock };
  stats: ProcessorStats;
  scope: ScriptScope;
}

/**
 * The dead-letter step of one consumer loop: failed attempts wait here for their backoff (the
 * entry stays pending in the group meanwhile) and go to the DLQ, bytes unchanged, once invalid
 * or past the policy's `maxRetries`. Each waiting message counts as in flight.
 */
export class Retries {
  /** Messages waiting for their retry time; due ones are handled before new reads. */
  private readonly retrying = new Map<string, { message: StreamMessage; dueAt: number }>();

  constructor(
    private readonly redis: ScriptClient,
    private readonly parts: RetryParts,
  ) {}

  /** The ids waiting here: still pending with this consumer, not abandoned. */
  ids(): string[] {
    return [...this.retrying.keys()];
  }

  has(id: string): boolean {
    return this.retrying.has(id);
  }

  /** `blockMs`, shortened to wake in time for the next due retry. */
  blockMs(blockMs: number): number {
    let block = blockMs;
    const now = this.parts.options.clock.now();
    for (const { dueAt } of this.retrying.values()) block = Math.min(block, Math.max(1, dueAt - now));
    return block;
  }

  /** Up to `max` messages whose retry time has come, taken out of the waiting set. */
  takeDue(max: number): StreamMessage[] {
    const { options, stats } = this.parts;
    const now = options.clock.now();
    const due: StreamMessage[] = [];
    for (const [id, item] of this.retrying) {
      if (item.dueAt > now || due.length >= max) continue;
      this.retrying.delete(id);
      due.push(item.message);
    }
    if (due.length) stats.inFlight -= due.length;
    return due;
  }

  /** Forgets the retries not yet due: they stay pending in the group for another consumer. */
  drop(): void {
    this.parts.stats.inFlight -= this.retrying.size;
    this.retrying.clear();
  }

  /** A failed attempt: retry after the backoff, or dead-letter when invalid or out of retries. */
  async fail(message: StreamMessage, error: string, isInvalid: boolean): Promise<void> {
    const { options, stats, scope } = this.parts;
    const { handler } = options;
    stats.count('failures');
    stats.fail(error);
    const attempts = message.attempts + 1;
    const policy = handler.retryPolicy(message);
    if (isInvalid || isExhausted(policy, attempts)) {
      const moved = await deadLetter(this.redis, scope, handler.deadLetterStream(message), message, error, attempts, options.clock.now());
      if (moved) stats.count('deadLettered');
      return;
    }
    await this.redis.hincrby(scope.attemptsKey, message.id, 1);
    stats.count('retries');
    this.schedule({ ...message, attempts }, retryDelayMs(policy, attempts));
  }

  /** Handles `message` again in `delayMs`. */
  schedule(message: StreamMessage, delayMs: number): void {
    const { options, stats } = this.parts;
    stats.inFlight += 1;
    this.retrying.set(message.id, { message, dueAt: options.clock.now() + delayMs });
  }
}
