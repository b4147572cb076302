import type { Redis } from 'ioredis';
import type { ProcessorName } from '../../../../shared/model/workers';
import type { AlertStore } from '../../alerts/alert-store';
import { AlertsProcessor } from './alerts-processor';
import { DiscoveryProcessor } from './discovery-processor';
import type { MetricThreshold } from './metric-thresholds';
import { MetricsProcessor } from './metrics-processor';
import type { Processor } from '../processor';
import type { RabbitConsumerOptions } from './rabbit-consumer';

/** The RabbitMQ processors' names (seed 002). */
export const RABBIT_PROCESSOR_NAMES = ['rabbit-discovery', 'rabbit-metrics', 'rabbit-alerts'] as const satisfies readonly ProcessorName[];
export type RabbitProcessorName = (typeof RABBIT_PROCESSOR_NAMES)[number];

/** Everything the three consumers need; each takes its own connection from `amqp`. */
export interface RabbitProcessorsOptions extends RabbitConsumerOptions {
  /** Systems (discovery) and alert state (alerts) go here; without it they validate and count only. */
  redis?: Redis | null;
  alertStore?: AlertStore | null;
  thresholds?: readonly MetricThreshold[];
  /** Which to create, default all three. */
  only?: readonly RabbitProcessorName[];
}

/** Creates the requested RabbitMQ processors (not started), in seed order. */
export function createRabbitProcessors(options: RabbitProcessorsOptions): Processor[] {
  const wanted = new Set(options.only ?? RABBIT_PROCESSOR_NAMES);
  const out: Processor[] = [];
  if (wanted.has('rabbit-discovery')) out.push(new DiscoveryProcessor(options));
  if (wanted.has('rabbit-metrics')) out.push(new MetricsProcessor(options));
  if (wanted.has('rabbit-alerts')) out.push(new AlertsProcessor(options));
  return out;
}
