import type { Redis } from 'ioredis';
import { DEFAULT_ESCALATION_POLICY } from '../../../../shared/model/alerts';
import { SystemAlert } from '../../../../shared/schemas/rabbitmq-messages';
import { AlertStore } from '../../alerts/alert-store';
import { toSecurityAlert } from './alert-conversion';
import { parseSeedMessage } from './parse-json';
import { RabbitConsumer, type Parsed, type RabbitConsumerOptions } from './rabbit-consumer';

/** Options of the alerts consumer: an AlertStore, or a Redis client (store under the namespace); neither: count only. */
export interface AlertsProcessorOptions extends RabbitConsumerOptions {
  alertStore?: AlertStore | null;
  redis?: Redis | null;
}

/**
 * `rabbit-alerts`: consumes `alert_queue`, converts each seed 002 alert into a seed 000
 * `security.alerts` message with a deterministic id and ingests it into the AlertStore, which
 * creates it once however often it is delivered.
 */
export class AlertsProcessor extends RabbitConsumer<SystemAlert> {
  readonly name = 'rabbit-alerts' as const;
  private readonly store: AlertStore | null;
  /** Alerts this consumer created (a redelivered one is processed but not created again). */
  created = 0;

  constructor(options: AlertsProcessorOptions) {
    super('alert_queue', 'RabbitMQ alerts consumer', options);
    this.store = options.alertStore ?? (options.redis ? new AlertStore(options.redis, options.namespace, DEFAULT_ESCALATION_POLICY) : null);
  }

  protected parse(content: Buffer): Parsed<SystemAlert> {
    return parseSeedMessage(content, SystemAlert);
  }

  protected handle(alert: SystemAlert): Promise<void> | void {
    if (!this.store) return;
    return this.store.ingest(toSecurityAlert(alert), this.clock.now()).then((isCreated) => {
      if (isCreated) this.created += 1;
    });
  }
}
