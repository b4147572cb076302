import type { FiringRule, HealthRule, RulesState } from '../../../shared/model/health-rules';
import { HealthRule as HealthRuleSchema, MAX_FOR_SECONDS } from '../../../shared/model/health-rules';

export interface EnvRules {
  rules: readonly HealthRule[];
  isDefault: boolean;
  isReadOnly: boolean;
  alertStream: string;
}

export interface RulesStoreState {
  /** envId → its rules (from `rules.get` / `update` / `reset`). */
  byEnv: Readonly<Record<string, EnvRules>>;
  /** envId → what is firing now (from `rules.get` and the `rules.firing` pushes). */
  firing: Readonly<Record<string, readonly FiringRule[]>>;
}

export const initialRulesState: RulesStoreState = { byEnv: {}, firing: {} };

/** Takes the answer of `rules.get`, `rules.update` or `rules.reset`. */
export function applyRulesState(state: RulesStoreState, next: RulesState): RulesStoreState {
  const { envId, firing, ...rest } = next;
  return { byEnv: { ...state.byEnv, [envId]: rest }, firing: { ...state.firing, [envId]: firing } };
}

/** Takes a batched `rules.firing` push. */
export function applyFiring(state: RulesStoreState, updates: readonly { envId: string; firing: FiringRule[] }[]): RulesStoreState {
  if (updates.length === 0) return state;
  const firing = { ...state.firing };
  for (const update of updates) firing[update.envId] = update.firing;
  return { ...state, firing };
}

/** Forgets environments that no longer exist. */
export function retainRules(state: RulesStoreState, envIds: ReadonlySet<string>): RulesStoreState {
  const keep = <T>(record: Readonly<Record<string, T>>) => Object.fromEntries(Object.entries(record).filter(([id]) => envIds.has(id)));
  if (Object.keys(state.byEnv).every((id) => envIds.has(id)) && Object.keys(state.firing).every((id) => envIds.has(id))) return state;
  return { byEnv: keep(state.byEnv), firing: keep(state.firing) };
}

/** One rule as the form holds it: numbers as typed. */
export interface RuleDraft {
  id: string;
  kind: HealthRule['kind'];
  enabled: boolean;
  threshold: string;
  forSeconds: string;
  severity: HealthRule['severity'];
}

export function toDrafts(rules: readonly HealthRule[]): RuleDraft[] {
  return rules.map((rule) => ({ ...rule, threshold: String(rule.threshold), forSeconds: String(rule.forSeconds) }));
}

/** ruleId → field → message. */
export type DraftErrors = Record<string, Partial<Record<'threshold' | 'forSeconds', string>>>;

/** Checks the drafts with the same limits as the host; returns the rules when all are valid. */
export function parseDrafts(drafts: readonly RuleDraft[]): { rules: HealthRule[] | null; errors: DraftErrors } {
  const errors: DraftErrors = {};
  const rules: HealthRule[] = [];
  for (const draft of drafts) {
    const threshold = draft.threshold.trim() === '' ? NaN : Number(draft.threshold);
    const forSeconds = draft.forSeconds.trim() === '' ? NaN : Number(draft.forSeconds);
    const fieldErrors: DraftErrors[string] = {};
    if (!Number.isFinite(threshold)) fieldErrors.threshold = 'a number';
    else if (threshold < 0) fieldErrors.threshold = '0 or more';
    if (!Number.isInteger(forSeconds)) fieldErrors.forSeconds = 'whole seconds';
    else if (forSeconds < 0 || forSeconds > MAX_FOR_SECONDS) fieldErrors.forSeconds = `0 to ${MAX_FOR_SECONDS} s`;
    if (fieldErrors.threshold || fieldErrors.forSeconds) {
      errors[draft.id] = fieldErrors;
      continue;
    }
    rules.push(HealthRuleSchema.parse({ id: draft.id, kind: draft.kind, enabled: draft.enabled, threshold, forSeconds, severity: draft.severity }));
  }
  return { rules: Object.keys(errors).length === 0 ? rules : null, errors };
}

/** True when the drafts differ from the saved rules. */
export function isDirty(drafts: readonly RuleDraft[], rules: readonly HealthRule[]): boolean {
  return JSON.stringify(drafts) !== JSON.stringify(toDrafts(rules));
}
