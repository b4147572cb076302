import { SecurityAlert } from '../../../../shared/schemas/security-streams';
import type { AlertStore } from '../../alerts/alert-store';
import { SEED_RETRY_POLICIES, type RetryPolicy } from '../backoff';
import type { Outcome, StreamHandler, StreamMessage } from '../stream-handler';
import { parsePayload, type ParsedPayload } from './parse-payload';

/**
 * The alert processor (`security.alerts` / `alert-manager`): hands each alert to the shared alert
 * store, whose creation is idempotent and emits the level-1 notifications and schedules the
 * escalations in the same script. Consoles that ingest from their cursor and this processor may
 * both see an alert: it is created once.
 */
export class AlertHandler implements StreamHandler {
  readonly mode = 'effectful' as const;
  /** Parsed once per message: `dedupId` and `handle` both need it. */
  private readonly parsed = new WeakMap<StreamMessage, ParsedPayload<SecurityAlert>>();
  /** Alerts this handler created (not the ones it found already there). */
  created = 0;

  constructor(
    private readonly store: AlertStore,
    private readonly namespace: string,
    private readonly policy: RetryPolicy = SEED_RETRY_POLICIES.events,
    private readonly now: () => number = Date.now,
  ) {}

  dedupId(message: StreamMessage): string | null {
    const parsed = this.parse(message);
    return parsed.ok ? parsed.value.id : null;
  }

  async handle(messages: StreamMessage[]): Promise<Outcome[]> {
    return Promise.all(
      messages.map(async (message): Promise<Outcome> => {
        const parsed = this.parse(message);
        if (!parsed.ok) return { kind: 'invalid', reason: parsed.reason };
        try {
          if (await this.store.ingest(parsed.value, this.now())) this.created += 1;
          return { kind: 'done' };
        } catch (error) {
          return { kind: 'retry', error: (error as Error).message };
        }
      }),
    );
  }

  retryPolicy(): RetryPolicy {
    return this.policy;
  }

  deadLetterStream(): string {
    return `${this.namespace}security.alerts.dlq`;
  }

  private parse(message: StreamMessage): ParsedPayload<SecurityAlert> {
    let parsed = this.parsed.get(message);
    if (!parsed) {
      parsed = parsePayload(message, SecurityAlert);
      this.parsed.set(message, parsed);
    }
    return parsed;
  }
}
