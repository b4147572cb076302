import type { RetryPolicy } from './backoff';

/**
 * What a Redis Streams processor plugs into the consumer engine (`stream-consumer.ts`): the engine
 * reads batches with XREADGROUP (Buffer replies), reclaims idle entries, retries with backoff,
 * dead-letters and acknowledges; the handler only decides what each message means.
 */

/** One stream entry as read, bytes untouched. */
export interface StreamMessage {
  /** Entry id, e.g. `1700000000000-0`. */
  id: string;
  /** The entry's fields as read: name, value, name, value… (Buffers, never decoded by the engine). */
  fields: Buffer[];
  /** The `data` field (the seed message's JSON bytes), or null when the entry has none. */
  payload: Buffer | null;
  /** Failed attempts so far (0 on the first delivery). */
  attempts: number;
}

/** An entry the engine XADDs for the handler, atomically with the acknowledgement of its message. */
export interface StreamOutput {
  stream: string;
  /** name, value, … */
  fields: (string | Buffer)[];
}

export type Outcome =
  /** Handled: acknowledge, writing `outputs` in the same atomic step. */
  | { kind: 'done'; outputs?: StreamOutput[] }
  /** Not this consumer's business (e.g. another channel): acknowledge, count nothing. */
  | { kind: 'skip' }
  /** Can never succeed (schema, unparseable): dead-letter now with the reason, no retry. */
  | { kind: 'invalid'; reason: string }
  /** Failed this time: retry after the policy's backoff, dead-letter once the retries are spent. */
  | { kind: 'retry'; error: string }
  /**
   * Not attempted: the destination refuses calls for now (its circuit is open). The entry stays
   * pending and is tried again at `untilMs`; it spends none of its retries, so an outage longer
   * than the retry budget dead-letters nothing.
   */
  | { kind: 'wait'; untilMs: number; reason: string };

export interface StreamHandler {
  /**
   * `pure`: the handler only computes outputs; the engine writes them, the dedup marks and the
   * XACK in one script per batch (a crash before it leaves the batch pending, after it leaves it
   * done). `effectful`: the handler acts outside Redis (HTTP, SMTP); the engine claims each
   * message's dedup id before calling it and keeps the claim only when it succeeds.
   */
  readonly mode: 'pure' | 'effectful';
  /** The id duplicates are recognised by within the dedup window (an event id), or null for none. */
  dedupId(message: StreamMessage): string | null;
  /** One outcome per message, in order. Must not throw (a throw counts as `retry` for the whole batch). */
  handle(messages: StreamMessage[]): Promise<Outcome[]>;
  retryPolicy(message: StreamMessage): RetryPolicy;
  /** The DLQ stream (namespaced) a message goes to when invalid or out of retries. */
  deadLetterStream(message: StreamMessage): string;
  /** Open circuit breakers, destination → until when (senders only). */
  openCircuits?(): Record<string, number>;
  /** Releases what the handler holds (SMTP connections); called when its processor stops. */
  close?(): Promise<void>;
}
