import { DEFAULT_ESCALATION_POLICY } from '../../../shared/model/alerts';
import type { ProcessorName } from '../../../shared/model/workers';
import { AlertStore } from '../alerts/alert-store';
import { AlertHandler } from './processors/alert-handler';
import { EventHandler } from './processors/event-handler';
import { MetricsHandler } from './processors/metrics-handler';
import { ScanHandler } from './processors/scan-handler';
import { parseRoutingRules, SEED_ROUTING_RULES } from './routing-rules';
import type { ProcessorFactory } from './worker-runtime';

/** How each processor is built from the runtime's context. A processor without a factory is listed as not available. */
export const PROCESSOR_FACTORIES: Partial<Record<ProcessorName, ProcessorFactory>> = {
  event: (ctx) => ctx.streamConsumer(new EventHandler({ namespace: ctx.config.env.namespace, rules: ctx.config.rulesYaml ? parseRoutingRules(ctx.config.rulesYaml) : SEED_ROUTING_RULES })),
  scan: (ctx) => ctx.streamConsumer(new ScanHandler(ctx.config.env.namespace)),
  metrics: (ctx) => ctx.streamConsumer(new MetricsHandler(ctx.sharedRedis(), ctx.config.env.namespace)),
  alert: (ctx) => ctx.streamConsumer(new AlertHandler(new AlertStore(ctx.sharedRedis(), ctx.config.env.namespace, DEFAULT_ESCALATION_POLICY), ctx.config.env.namespace)),
};
