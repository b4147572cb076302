import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ESCALATION_POLICY,
  EscalationPolicy,
  alertKeys,
  dueLevels,
  levelDueTimes,
  nextEscalation,
  notificationDedupKey,
  policyFor,
  type AlertState,
} from '../../shared/model/alerts';

const MIN = 60_000;
const T0 = 1_700_000_000_000;

class FakeClock {
  constructor(public at = T0) {}
  now = () => this.at;
  advance(ms: number): number {
    this.at += ms;
    return this.at;
  }
}

type View = Pick<AlertState, 'createdAt' | 'severity' | 'status' | 'level' | 'acknowledgedAt' | 'resolvedAt'>;
const fresh = (over: Partial<View> = {}): View => ({ createdAt: T0, severity: 'critical', status: 'open', level: 1, ...over });

describe('escalation policy defaults (seed 000)', () => {
  it('level 1 on creation, level 2 after 30 min, level 3 after 2 h, with the seed recipients', () => {
    expect(levelDueTimes(fresh(), DEFAULT_ESCALATION_POLICY)).toEqual({ 1: T0, 2: T0 + 30 * MIN, 3: T0 + 120 * MIN });
    const p = policyFor(DEFAULT_ESCALATION_POLICY, 'high');
    expect(p.steps[0]).toEqual({ level: 1, recipients: ['security_team'], methods: ['slack', 'email'] });
    expect(p.steps[1].recipients).toContain('devops_lead');
    expect(p.steps[1].methods).toContain('phone');
    expect(p.steps[2].recipients).toContain('cto');
    expect(p.steps[2].methods).toContain('incident_management');
  });

  it('is configurable per severity and validated by the schema', () => {
    const policy = EscalationPolicy.parse({
      default: DEFAULT_ESCALATION_POLICY.default,
      bySeverity: { low: { ...DEFAULT_ESCALATION_POLICY.default, ackWithinMs: 5_000, resolveWithinMs: 10_000 } },
    });
    expect(levelDueTimes(fresh({ severity: 'low' }), policy)[2]).toBe(T0 + 5_000);
    expect(levelDueTimes(fresh({ severity: 'critical' }), policy)[2]).toBe(T0 + 30 * MIN);
    expect(() => EscalationPolicy.parse({ default: { ...DEFAULT_ESCALATION_POLICY.default, ackWithinMs: -1 } })).toThrow();
  });
});

describe('dueLevels / nextEscalation with a fake clock', () => {
  const P = DEFAULT_ESCALATION_POLICY;

  it('open alert: nothing due before 30 min, level 2 at 30 min, then level 3 at 2 h', () => {
    const clock = new FakeClock();
    const a = fresh();
    expect(dueLevels(a, P, clock.now())).toEqual([]);
    expect(nextEscalation(a, P)).toMatchObject({ level: 2, dueAt: T0 + 30 * MIN });
    clock.advance(30 * MIN - 1);
    expect(dueLevels(a, P, clock.now())).toEqual([]);
    clock.advance(1);
    expect(dueLevels(a, P, clock.now())).toEqual([2]);
    const escalated = { ...a, level: 2 as const };
    expect(dueLevels(escalated, P, clock.now())).toEqual([]);
    expect(nextEscalation(escalated, P)).toMatchObject({ level: 3, dueAt: T0 + 120 * MIN });
    clock.advance(90 * MIN);
    expect(dueLevels(escalated, P, clock.now())).toEqual([3]);
    expect(nextEscalation({ ...a, level: 3 }, P)).toBeNull();
  });

  it('an engine that was down past both deadlines fires 2 then 3', () => {
    expect(dueLevels(fresh(), P, T0 + 5 * 60 * MIN)).toEqual([2, 3]);
  });

  it('ack before the deadline cancels level 2 but not level 3', () => {
    const a = fresh({ status: 'acknowledged', acknowledgedAt: T0 + 10 * MIN });
    expect(dueLevels(a, P, T0 + 60 * MIN)).toEqual([]);
    expect(nextEscalation(a, P)).toMatchObject({ level: 3 });
    expect(dueLevels(a, P, T0 + 120 * MIN)).toEqual([3]);
  });

  it('race: acknowledged exactly at the deadline loses — level 2 still fires', () => {
    const deadline = T0 + 30 * MIN;
    const atDeadline = fresh({ status: 'acknowledged', acknowledgedAt: deadline });
    expect(dueLevels(atDeadline, P, deadline)).toEqual([2]);
    expect(nextEscalation(atDeadline, P)).toMatchObject({ level: 2, dueAt: deadline });
    const oneMsBefore = fresh({ status: 'acknowledged', acknowledgedAt: deadline - 1 });
    expect(dueLevels(oneMsBefore, P, deadline)).toEqual([]);
  });

  it('resolve cancels everything pending; resolved exactly at the level-3 deadline does not cancel it', () => {
    const r = fresh({ status: 'resolved', acknowledgedAt: T0 + MIN, resolvedAt: T0 + 2 * MIN });
    expect(dueLevels(r, P, T0 + 10 * 60 * MIN)).toEqual([]);
    expect(nextEscalation(r, P)).toBeNull();
    // reopened later: the earlier resolution (before both deadlines) keeps both cancelled
    const reopened = { ...r, status: 'open' as const };
    expect(dueLevels(reopened, P, T0 + 10 * 60 * MIN)).toEqual([]);
    const reopenedLate = fresh({ status: 'open', level: 2, resolvedAt: T0 + 120 * MIN });
    expect(dueLevels(reopenedLate, P, T0 + 120 * MIN)).toEqual([3]);
  });

  it('reopen after an ack before the deadline: level 2 stays cancelled, level 3 still pending', () => {
    const a = fresh({ status: 'open', acknowledgedAt: T0 + MIN });
    expect(dueLevels(a, P, T0 + 200 * MIN)).toEqual([3]);
  });
});

describe('keys and dedup', () => {
  it('uses the environment namespace and the {alertId}:L{level} dedup key', () => {
    const k = alertKeys('t1:');
    expect(k.alert('abc')).toBe('t1:watchfloor:alert:abc');
    expect(k.due).toBe('t1:watchfloor:alerts:due');
    expect(k.audit).toBe('t1:watchfloor:audit');
    expect(k.alertsStream).toBe('t1:security.alerts');
    expect(notificationDedupKey('abc', 2)).toBe('abc:L2');
  });
});
