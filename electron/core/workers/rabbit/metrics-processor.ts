import { CollectedMetrics } from '../../../../shared/schemas/rabbitmq-messages';
import { alertRoutingKey, DEFAULT_METRIC_THRESHOLDS, evaluateThresholds, systemAlertId, type MetricThreshold } from './metric-thresholds';
import { parseSeedMessage } from './parse-json';
import { RabbitConsumer, type HandlerContext, type Parsed, type RabbitConsumerOptions } from './rabbit-consumer';

/** Options of the metrics consumer. */
export interface MetricsProcessorOptions extends RabbitConsumerOptions {
  /** Defaults to {@link DEFAULT_METRIC_THRESHOLDS}. */
  thresholds?: readonly MetricThreshold[];
}

/**
 * `rabbit-metrics`: consumes `metrics_queue` and, for each threshold crossed, publishes a seed 002
 * alert to the namespaced exchange with routing key `alerts.{severity}` (persistent, confirmed,
 * deterministic messageId). A metric below every threshold is acked synchronously: no await.
 */
export class MetricsProcessor extends RabbitConsumer<CollectedMetrics> {
  readonly name = 'rabbit-metrics' as const;
  private readonly thresholds: readonly MetricThreshold[];

  constructor(options: MetricsProcessorOptions) {
    super('metrics_queue', 'RabbitMQ metrics consumer', options);
    this.thresholds = options.thresholds ?? DEFAULT_METRIC_THRESHOLDS;
  }

  protected parse(content: Buffer): Parsed<CollectedMetrics> {
    return parseSeedMessage(content, CollectedMetrics);
  }

  protected handle(message: CollectedMetrics, context: HandlerContext): void {
    for (const alert of evaluateThresholds(message, this.thresholds)) {
      context.publish(this.topology.exchange, alertRoutingKey(alert), Buffer.from(JSON.stringify(alert)), {
        messageId: systemAlertId(alert),
        contentType: 'application/json',
        persistent: true,
      });
    }
  }
}
