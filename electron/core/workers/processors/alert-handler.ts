import { SecurityAlert } from '../../../../shared/schemas/security-streams';
import type { AlertStore } from '../../alerts/alert-store';
import { SEED_RETRY_POLICIES, type RetryPolicy } from '../backoff';
import type { Outcome, StreamHandler, StreamMessage } from '../stream-handler';

/**
 * The alert processor (`security.alerts` / `alert-manager`): hands each alert to the shared alert
 * store, whose creation is idempotent and emits the level-1 notifications and schedules the
 * escalations in the same script. Consoles that ingest from their cursor and this processor may
 * both see an alert: it is created once.
 */
export class AlertHandler implements StreamHandler {
  readonly mode = 'effectful' as const;
  private readonly ids = new WeakMap<StreamMessage, SecurityAlert>();
  /** Alerts this handler created (not the ones it found already there). */
  created = 0;

  constructor(
    private readonly store: AlertStore,
    private readonly namespace: string,
    private readonly policy: RetryPolicy = SEED_RETRY_POLICIES.events,
    private readonly now: () => number = Date.now,
  ) {}

  dedupId(message: StreamMessage): string | null {
    return this.parse(message)?.id ?? null;
  }

  async handle(messages: StreamMessage[]): Promise<Outcome[]> {
    return Promise.all(
      messages.map(async (message): Promise<Outcome> => {
        const alert = this.parse(message);
        if (!alert) return { kind: 'invalid', reason: this.reason(message) };
        try {
          if (await this.store.ingest(alert, this.now())) this.created += 1;
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

  private parse(message: StreamMessage): SecurityAlert | null {
    const cached = this.ids.get(message);
    if (cached) return cached;
    try {
      const parsed = SecurityAlert.safeParse(JSON.parse(message.payload?.toString('utf8') ?? ''));
      if (!parsed.success) return null;
      this.ids.set(message, parsed.data);
      return parsed.data;
    } catch {
      return null;
    }
  }

  private reason(message: StreamMessage): string {
    if (!message.payload) return 'no "data" field';
    try {
      const parsed = SecurityAlert.safeParse(JSON.parse(message.payload.toString('utf8')));
      return parsed.success ? 'unreadable alert' : `not a seed 000 alert: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`;
    } catch (error) {
      return `not JSON: ${(error as Error).message}`;
    }
  }
}
