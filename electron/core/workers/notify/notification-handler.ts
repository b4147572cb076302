import { policyFromSeed, SEED_RETRY_POLICIES, type RetryPolicy } from '../backoff';
import type { Outcome, StreamHandler, StreamMessage } from '../stream-handler';
import { CircuitBreakers, type CircuitBreaker, type CircuitBreakerOptions, type Clock } from './circuit-breaker';
import { EmailSender } from './email-sender';
import type { NotificationDestinations } from './notification-destinations';
import { isForChannel, isPriority, parseNotification, type NotificationChannel, type ParsedNotification } from './notification-message';
import { InvalidNotification, type NotificationSender } from './notification-sender';
import { PagerDutySender } from './pagerduty-sender';
import { SlackSender } from './slack-sender';
import { WebhookSender } from './webhook-sender';

/** Tuning of a notification handler; every field has a production default. */
export interface NotificationHandlerOptions {
  /** The environment's namespace, prefixed to the DLQ stream names. */
  namespace: string;
  clock?: Clock;
  /** Seed 001 thresholds unless overridden. */
  breaker?: Partial<CircuitBreakerOptions>;
  /** Replace the seed's retry delays (tests use a few ms): the base of exponential, the fixed delay. */
  retryDelays?: { exponentialBaseMs?: number; fixedDelayMs?: number };
  /** Messages of one batch in flight at once. */
  concurrency?: number;
}

const DEFAULT_CONCURRENCY = 8;
/** How soon an entry refused by a half-open circuit (its trial calls all taken) asks again, ms. */
const HALF_OPEN_RECHECK_MS = 1000;

/**
 * The Notification processor's handler for one channel (`slack-sender`, `email-sender`,
 * `webhook-sender`, `incident-sender`, `phone-sender` groups): parses each entry, skips other channels' messages, asks the
 * destination's circuit breaker, sends, and tells the consumer engine done / retry / invalid.
 * Effectful: the engine claims the dedup id before `handle` and keeps it only on success.
 */
export class NotificationHandler implements StreamHandler {
  readonly mode = 'effectful';
  readonly channel: NotificationChannel;
  private readonly breakers: CircuitBreakers;
  // retryPolicy/deadLetterStream/dedupId are asked per message after handle(): parse each entry once.
  private readonly parsed = new WeakMap<StreamMessage, ParsedNotification>();

  constructor(
    private readonly sender: NotificationSender,
    private readonly options: NotificationHandlerOptions,
  ) {
    this.channel = sender.channel;
    this.breakers = new CircuitBreakers(options.clock ?? Date, options.breaker);
  }

  dedupId(message: StreamMessage): string | null {
    const parsed = this.parse(message);
    return parsed.ok ? (parsed.message.dedupKey ?? parsed.message.notificationId) : null;
  }

  async handle(messages: StreamMessage[]): Promise<Outcome[]> {
    return mapBounded(messages, this.options.concurrency ?? DEFAULT_CONCURRENCY, (m) => this.handleOne(m));
  }

  retryPolicy(message: StreamMessage): RetryPolicy {
    const parsed = this.parse(message);
    const priority = parsed.ok && isPriority(parsed.message);
    const policy = policyFromSeed(parsed.ok ? parsed.message.retryPolicy : undefined, priority ? SEED_RETRY_POLICIES.priorityNotifications : SEED_RETRY_POLICIES.notifications);
    const { exponentialBaseMs, fixedDelayMs } = this.options.retryDelays ?? {};
    if (policy.backoff.type === 'exponential' && exponentialBaseMs !== undefined) return { ...policy, backoff: { ...policy.backoff, baseMs: exponentialBaseMs } };
    if (policy.backoff.type === 'fixed' && fixedDelayMs !== undefined) return { ...policy, backoff: { type: 'fixed', delayMs: fixedDelayMs } };
    return policy;
  }

  deadLetterStream(message: StreamMessage): string {
    const parsed = this.parse(message);
    const priority = parsed.ok && isPriority(parsed.message);
    return `${this.options.namespace}security.notifications${priority ? '.priority' : ''}.dlq`;
  }

  /** Destinations whose circuit is open now → until when (epoch ms), for the processor's status. */
  openCircuits(): Record<string, number> {
    return this.breakers.openCircuits();
  }

  /** Releases the sender's connections. */
  close(): Promise<void> {
    return this.sender.close();
  }

  private parse(message: StreamMessage): ParsedNotification {
    let parsed = this.parsed.get(message);
    if (!parsed) {
      parsed = parseNotification(message.payload);
      this.parsed.set(message, parsed);
    }
    return parsed;
  }

  private async handleOne(entry: StreamMessage): Promise<Outcome> {
    const parsed = this.parse(entry);
    if (!parsed.ok) return { kind: 'invalid', reason: parsed.reason };
    if (!isForChannel(parsed.message, this.channel)) return { kind: 'skip' };
    let delivery;
    try {
      delivery = this.sender.prepare(parsed.message, entry.payload!.toString('utf8'));
    } catch (error) {
      if (error instanceof InvalidNotification) return { kind: 'invalid', reason: error.message };
      return { kind: 'retry', error: `cannot prepare ${this.channel} delivery: ${(error as Error).message}` };
    }
    const breaker = this.breakers.for(delivery.destination);
    // A refused call is no attempt at delivering this message: it waits for the circuit, its retries untouched.
    if (!breaker.canPass()) return this.waitFor(breaker, delivery.destination, null);
    const isTrial = breaker.state === 'half-open';
    try {
      await delivery.send();
      breaker.record(true);
      return { kind: 'done' };
    } catch (error) {
      // A refusal of this one message (unknown mailbox) means the destination answered: not a failure of it.
      if (error instanceof InvalidNotification) {
        breaker.record(true);
        return { kind: 'invalid', reason: error.message };
      }
      breaker.record(false);
      const message = (error as Error).message || String(error);
      // A failed trial call probes the destination, which is still down: it re-opens the circuit
      // and this message waits like the others rather than spending a retry per open period.
      if (isTrial) return this.waitFor(breaker, delivery.destination, message);
      return { kind: 'retry', error: message };
    }
  }

  /** Wait until the circuit lets a call through: its open period's end, or shortly when half-open with every trial slot taken. */
  private waitFor(breaker: CircuitBreaker, destination: string, failure: string | null): Outcome {
    const now = (this.options.clock ?? Date).now();
    const until = breaker.openUntil;
    // Spread the wake-ups a little, so a burst of waiting entries does not hit the trial slots at once.
    const untilMs = (until ?? now + HALF_OPEN_RECHECK_MS) + Math.floor(Math.random() * 200);
    const state = until !== null ? `open until ${new Date(until).toISOString()}` : 'half-open, trial calls in flight';
    return { kind: 'wait', untilMs, reason: `circuit ${state} for ${destination}${failure ? ` (trial call failed: ${failure})` : ''}; waiting, no retry spent` };
  }
}

/**
 * The handler of `channel` for these destinations, or null when that channel has no destination
 * configured: then no consumer should join that channel's group, so its messages wait in the
 * stream (visible as lag) rather than being acknowledged unsent or dead-lettered.
 */
export function createNotificationHandler(channel: NotificationChannel, destinations: NotificationDestinations, options: NotificationHandlerOptions & { timeoutMs?: number }): NotificationHandler | null {
  const { timeoutMs } = options;
  switch (channel) {
    case 'slack':
      return destinations.slack ? new NotificationHandler(new SlackSender(destinations.slack, timeoutMs), options) : null;
    case 'email':
      return destinations.email ? new NotificationHandler(new EmailSender(destinations.email, timeoutMs), options) : null;
    case 'webhook':
      return destinations.webhook ? new NotificationHandler(new WebhookSender(destinations.webhook, timeoutMs, options.clock), options) : null;
    case 'incident_management':
      return destinations.incidentManagement ? new NotificationHandler(new PagerDutySender('incident_management', destinations.incidentManagement, timeoutMs), options) : null;
    case 'phone':
      return destinations.phone ? new NotificationHandler(new PagerDutySender('phone', destinations.phone, timeoutMs), options) : null;
  }
}

/** `fn` over `items` with at most `limit` in flight, results in input order; a throw becomes `retry`. */
async function mapBounded(items: StreamMessage[], limit: number, fn: (item: StreamMessage) => Promise<Outcome>): Promise<Outcome[]> {
  const results: Outcome[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index]!);
      } catch (error) {
        results[index] = { kind: 'retry', error: (error as Error).message };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
