import { SecurityScan } from '../../../../shared/schemas/security-streams';
import { STREAM_PAYLOAD_FIELD } from '../../../../shared/model/topology';
import { SEED_RETRY_POLICIES, type RetryPolicy } from '../backoff';
import type { Outcome, StreamHandler, StreamMessage } from '../stream-handler';
import { parsePayload, peekJsonObject } from './parse-payload';
import { findingsEvent, hasFindings } from './scan-event';

/** Seed 000: the consumer group of `security.scans` that turns results into events. */
export const SCAN_RESULTS_GROUP = 'results-processor';

/**
 * The scan processor (seed 000 `security.scans`, group `results-processor`): a completed scan with
 * findings becomes one `security.events` entry; every other scan is acknowledged with no output.
 * Pure — the engine writes the event, the dedup mark and the XACK together, so a crash never leaves
 * an event without its ack or the reverse.
 */
export class ScanHandler implements StreamHandler {
  readonly mode = 'pure' as const;
  private readonly eventsStream: string;
  private readonly deadLetters: string;

  constructor(namespace: string) {
    this.eventsStream = `${namespace}security.events`;
    this.deadLetters = `${namespace}security.scans.dlq`;
  }

  /**
   * `scan_id:status`: the same scan moves through queued → running → completed, each a message of
   * its own, so the status is part of the identity; a repeat of the same status is a duplicate.
   */
  dedupId(message: StreamMessage): string | null {
    const json = peekJsonObject(message.payload);
    if (!json || typeof json.scan_id !== 'string' || typeof json.status !== 'string') return null;
    return `${json.scan_id}:${json.status}`;
  }

  async handle(messages: StreamMessage[]): Promise<Outcome[]> {
    return messages.map((message) => this.handleOne(message));
  }

  /** Seed 000 gives no policy for scans; the event processors' (3 retries, exponential) fits work that only computes. */
  retryPolicy(_message: StreamMessage): RetryPolicy {
    return SEED_RETRY_POLICIES.events;
  }

  deadLetterStream(_message: StreamMessage): string {
    return this.deadLetters;
  }

  private handleOne(message: StreamMessage): Outcome {
    try {
      const parsed = parsePayload(message, SecurityScan);
      if (!parsed.ok) return { kind: 'invalid', reason: parsed.reason };
      if (!hasFindings(parsed.value)) return { kind: 'done' };
      const event = findingsEvent(parsed.value, message.id);
      return { kind: 'done', outputs: [{ stream: this.eventsStream, fields: [STREAM_PAYLOAD_FIELD, JSON.stringify(event)] }] };
    } catch (error) {
      // Unreachable with a validated scan, but the contract forbids throwing: one bad message must not fail its batch.
      return { kind: 'retry', error: `scan handler: ${(error as Error).message}` };
    }
  }
}
