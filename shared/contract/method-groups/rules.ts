import { z } from 'zod';
import { FiringRule, HealthRuleList, RulesState } from '../../model/health-rules';
import { EnvId } from './common';
import { write } from '../access';

/** Queue-health rules: per environment, stored in the config home; what is firing now. */
export const ruleMethods = {
  'rules.get': { params: z.object({ envId: EnvId }).strict(), result: RulesState },
  'rules.update': write({ params: z.object({ envId: EnvId, rules: HealthRuleList }).strict(), result: RulesState, access: 'console', audit: { target: () => 'queue-health rules', count: (_r, p) => p.rules.length } }),
  'rules.reset': write({ params: z.object({ envId: EnvId }).strict(), result: RulesState, access: 'console', audit: { target: () => 'queue-health rules' } }),
} as const;

/** Pushed (batched, latest per environment) when an environment's firing list changes. */
export const rulesFiringEvent = z.object({
  updates: z.array(z.object({ envId: z.string(), firing: z.array(FiringRule) })),
  dropped: z.number(),
});
