import type { Result } from '../../../shared/contract';
import type { HealthRule, RulesState } from '../../../shared/model/health-rules';
import type { AppServices } from '../services';
import { applyRulesState } from '../stores/rules.logic';

/** Every state-changing health-rules call of the renderer (issue 16); the answer goes into the rules store. */

function receive({ stores }: AppServices, result: Result<RulesState>): Result<RulesState> {
  if (result.ok) stores.rules.setState((state) => applyRulesState(state, result.value), true);
  return result;
}

/** Saves an environment's queue-health rules. */
export async function saveRules(services: AppServices, envId: string, rules: HealthRule[]): Promise<Result<RulesState>> {
  return receive(services, await services.client.call('rules.update', { envId, rules }));
}

/** Puts an environment's rules back to the seed defaults. */
export async function resetRules(services: AppServices, envId: string): Promise<Result<RulesState>> {
  return receive(services, await services.client.call('rules.reset', { envId }));
}
