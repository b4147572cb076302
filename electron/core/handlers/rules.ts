import type { HealthService } from '../health/health-service';
import type { CoreContext, HandlerGroup } from './context';

/**
 * Queue-health rules. Editing them changes this console's configuration, not a broker, so it is
 * allowed on read-only environments too; what read-only forbids is writing their alerts.
 */
export function ruleHandlers(ctx: CoreContext, health: HealthService): HandlerGroup<'rules.'> {
  return {
    'rules.get': async ({ envId }) => {
      ctx.environments.get(envId);
      return health.state(envId);
    },
    'rules.update': ({ envId, rules }) => health.update(envId, rules),
    'rules.reset': ({ envId }) => health.reset(envId),
  };
}
