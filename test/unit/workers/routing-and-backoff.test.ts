import { describe, expect, it } from 'vitest';
import { isExhausted, policyFromSeed, retryDelayMs, SEED_RETRY_POLICIES } from '../../../electron/core/workers/backoff';
import { matchingRules, parseCondition, parseRoutingRules, route, RulesError, SEED_ROUTING_RULES } from '../../../electron/core/workers/routing-rules';
import { expandProcessorNames, NotificationDestinationsInput } from '../../../shared/model/workers';
import { deterministicUuid } from '../../../electron/core/workers/deterministic-id';
import { RABBIT_RETRY_POLICY } from '../../../electron/core/workers/rabbit/rabbit-consumer';

const event = (over: Record<string, unknown>) => ({ severity: 'low', event_type: 'x', source: 'aws_config_monitor', tags: ['a'], metadata: { platform: 'aws' }, ...over });

describe('routing rules (seed 000 format)', () => {
  it('parses the seed rules with their conditions and destinations', () => {
    expect(SEED_ROUTING_RULES.map((r) => [r.name, r.match, r.conditions.length, r.destinations.map((d) => d.stream)])).toEqual([
      ['critical_events', 'any', 3, ['security.alerts', 'security.notifications']],
      ['configuration_changes', 'all', 2, ['security.scans', 'security.events']],
    ]);
    expect(SEED_ROUTING_RULES[0]!.destinations[1]!.qualifier).toBe('priority channel');
    expect(parseCondition('source IN ("kong_monitor", \'k8s_monitor\')', 'r').values).toEqual(['kong_monitor', 'k8s_monitor']);
  });

  it('matches == , IN, CONTAINS (substring and array member), dotted paths, any vs all', () => {
    expect(matchingRules(SEED_ROUTING_RULES, event({ severity: 'critical' })).map((r) => r.name)).toEqual(['critical_events']);
    expect(matchingRules(SEED_ROUTING_RULES, event({ event_type: 'aws_root_login_breach' })).map((r) => r.name)).toEqual(['critical_events']);
    expect(matchingRules(SEED_ROUTING_RULES, event({ event_type: 'kong_plugin_config_change', source: 'kong_monitor' })).map((r) => r.name)).toEqual(['configuration_changes']);
    expect(matchingRules(SEED_ROUTING_RULES, event({ event_type: 'github_repo_config_change', source: 'github_scanner' }))).toEqual([]);
    const rules = parseRoutingRules('routing_rules:\n  r:\n    match: all\n    conditions:\n      - tags CONTAINS "a"\n      - metadata.platform == "aws"\n      - severity != "info"\n    destinations:\n      - custom.stream\n');
    expect(route(rules, event({})).map((d) => d.destination.stream)).toEqual(['custom.stream']);
    expect(route(rules, event({ tags: ['b'] }))).toEqual([]);
  });

  it('writes a destination named by two matching rules once', () => {
    const rules = parseRoutingRules('routing_rules:\n  a:\n    conditions: [severity == "critical"]\n    destinations: [security.alerts (x)]\n  b:\n    conditions: [source == "k8s_monitor"]\n    destinations: [security.alerts, security.scans]\n');
    expect(route(rules, event({ severity: 'critical', source: 'k8s_monitor' })).map((d) => `${d.rule}:${d.destination.stream}`)).toEqual(['a:security.alerts', 'b:security.scans']);
  });

  it('names the rule and the condition of a bad file', () => {
    expect(() => parseRoutingRules('routing_rules:\n  broken:\n    conditions:\n      - severity ~= "x"\n    destinations: [a]\n')).toThrow('rule "broken", condition "severity ~= "x"": expected FIELD');
    expect(() => parseRoutingRules('routing_rules:\n  r:\n    conditions: [source IN "a"]\n    destinations: [a]\n')).toThrow(RulesError);
    expect(() => parseRoutingRules('nothing: here')).toThrow(/routing_rules/);
    expect(() => parseRoutingRules('routing_rules: [\n')).toThrow(/not valid YAML/);
    expect(() => parseRoutingRules('routing_rules:\n  r:\n    conditions: [severity == "x"]\n')).toThrow(/destinations/);
  });
});

describe('retry delays', () => {
  const exp = { maxRetries: 3, backoff: { type: 'exponential', baseMs: 1000, maxMs: 5000 }, jitter: 0.25 } as const;
  it('doubles from the base, capped, with ±25 % jitter at the extremes', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(exp, n, () => 0.5))).toEqual([1000, 2000, 4000, 5000]);
    expect(retryDelayMs(exp, 1, () => 0)).toBe(750);
    expect(retryDelayMs(exp, 1, () => 0.999999)).toBe(1250);
    expect(retryDelayMs(SEED_RETRY_POLICIES.priorityNotifications, 4, () => 0.5)).toBe(1000);
  });
  it('is exhausted after max retries, and reads the seed retry_policy', () => {
    expect(isExhausted(exp, 3)).toBe(false);
    expect(isExhausted(exp, 4)).toBe(true);
    expect(policyFromSeed({ max_retries: 5, backoff: 'fixed:1000ms' }, SEED_RETRY_POLICIES.notifications)).toMatchObject({ maxRetries: 5, backoff: { type: 'fixed', delayMs: 1000 } });
    expect(policyFromSeed({ max_retries: -1, backoff: 'weird' }, SEED_RETRY_POLICIES.notifications)).toEqual(SEED_RETRY_POLICIES.notifications);
  });
  it('caps the seed exponential backoff at seed 001 maxDelay, 60 s (1, 2, 4 … 32, then 60 s)', () => {
    expect([1, 6, 7, 12].map((n) => retryDelayMs(SEED_RETRY_POLICIES.events, n, () => 0.5))).toEqual([1000, 32_000, 60_000, 60_000]);
    expect(retryDelayMs(RABBIT_RETRY_POLICY, 10, () => 0.5)).toBe(60_000);
    expect(policyFromSeed({ backoff: 'exponential' }, SEED_RETRY_POLICIES.notifications).backoff).toEqual({ type: 'exponential', baseMs: 1000, maxMs: 60_000 });
  });
});

describe('processor names and ids', () => {
  it('expands --only families and refuses unknown words', () => {
    expect(expandProcessorNames(['event', 'notification'])).toEqual(['event', 'slack', 'email', 'webhook', 'incident', 'phone']);
    expect(() => expandProcessorNames(['evnt'])).toThrow(/unknown processor "evnt"/);
  });
  it('derives the same UUID from the same name, a different one from another', () => {
    expect(deterministicUuid('a')).toBe(deterministicUuid('a'));
    expect(deterministicUuid('a')).not.toBe(deterministicUuid('b'));
    expect(deterministicUuid('a')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('notification destinations input', () => {
  it('takes a Slack webhook URL or "" (clear), refuses anything else', () => {
    expect(NotificationDestinationsInput.safeParse({ slack: { webhookUrl: 'https://hooks.slack.com/services/T/B/x' } }).success).toBe(true);
    expect(NotificationDestinationsInput.safeParse({ slack: { webhookUrl: '' } }).success).toBe(true);
    expect(NotificationDestinationsInput.safeParse({ slack: { webhookUrl: 'not a url' } }).success).toBe(false);
  });
});
