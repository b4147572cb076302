import { describe, expect, it } from 'vitest';
import { DEFAULT_HEALTH_RULES, type RulesState } from '../../../shared/model/health-rules';
import { applyFiring, applyRulesState, initialRulesState, isDirty, parseDrafts, retainRules, toDrafts } from '../../../renderer/src/stores/rules.logic';

const state = (envId: string): RulesState => ({ envId, rules: [...DEFAULT_HEALTH_RULES], isDefault: true, isReadOnly: false, firing: [], alertStream: 'security.alerts' });

describe('rules store logic', () => {
  it('stores rules and firing per environment, takes pushes and forgets removed environments', () => {
    let s = applyRulesState(initialRulesState, state('a'));
    s = applyRulesState(s, state('b'));
    expect(Object.keys(s.byEnv)).toEqual(['a', 'b']);
    const firing = [{ ...DEFAULT_HEALTH_RULES[0]!, ruleId: 'consumer-lag', subject: 's / g', value: 5, threshold: 1, conditionSince: 1, firingSince: 1, alert: { state: 'written' as const, alertId: 'x', note: null } }];
    s = applyFiring(s, [{ envId: 'a', firing }]);
    expect(s.firing.a).toHaveLength(1);
    expect(applyFiring(s, [])).toBe(s);
    s = retainRules(s, new Set(['a']));
    expect(Object.keys(s.byEnv)).toEqual(['a']);
    expect(Object.keys(s.firing)).toEqual(['a']);
    expect(retainRules(s, new Set(['a']))).toBe(s);
  });

  it('validates drafts with the host limits and reports each bad field', () => {
    const drafts = toDrafts(DEFAULT_HEALTH_RULES);
    expect(isDirty(drafts, DEFAULT_HEALTH_RULES)).toBe(false);
    expect(parseDrafts(drafts).rules).toEqual(DEFAULT_HEALTH_RULES);
    const edited = drafts.map((d) =>
      d.id === 'consumer-lag' ? { ...d, threshold: '-3', forSeconds: '1.5' } : d.id === 'dlq-growth' ? { ...d, threshold: 'abc', forSeconds: '90000' } : d,
    );
    expect(isDirty(edited, DEFAULT_HEALTH_RULES)).toBe(true);
    const parsed = parseDrafts(edited);
    expect(parsed.rules).toBeNull();
    expect(parsed.errors).toEqual({
      'consumer-lag': { threshold: '0 or more', forSeconds: 'whole seconds' },
      'dlq-growth': { threshold: 'a number', forSeconds: '0 to 86400 s' },
    });
    const fixed = parseDrafts(drafts.map((d) => (d.id === 'consumer-lag' ? { ...d, threshold: '5', forSeconds: '0' } : d)));
    expect(fixed.rules?.[0]).toMatchObject({ threshold: 5, forSeconds: 0 });
  });
});
