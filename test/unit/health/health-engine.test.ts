import { describe, expect, it } from 'vitest';
import { DEFAULT_HEALTH_RULES, HealthRuleList, type HealthRule } from '../../../shared/model/health-rules';
import type { EnvironmentOverview, QueueInfo, StreamInfo } from '../../../shared/model/overview';
import { SecurityAlert } from '../../../shared/schemas/security-streams';
import type { AlertWriter } from '../../../electron/core/health/alert-writer';
import { CounterWindow } from '../../../electron/core/health/counter-window';
import { buildHealthAlert, ruleUuid } from '../../../electron/core/health/health-alert';
import { HealthEngine } from '../../../electron/core/health/health-engine';
import { errorRatePercent } from '../../../electron/core/health/measures';
import { group, stream } from '../renderer/fixtures';

class FakeClock {
  constructor(public at = 1_000_000) {}
  now = () => this.at;
  advance(ms: number): number {
    this.at += ms;
    return this.at;
  }
}

/** Behaves like the Redis script: one write per marker while the marker lives. */
class FakeWriter implements AlertWriter {
  readonly written: SecurityAlert[] = [];
  readonly markers = new Set<string>();
  renewals = 0;
  async writeOnce(key: string, _ttl: number, alert: SecurityAlert): Promise<string | null> {
    if (this.markers.has(key)) return null;
    this.markers.add(key);
    this.written.push(alert);
    return `${this.written.length}-0`;
  }
  async renew(): Promise<void> {
    this.renewals++;
  }
}

const logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

function rule(overrides: Partial<HealthRule> & Pick<HealthRule, 'kind'>): HealthRule {
  return { id: overrides.kind, enabled: true, threshold: 10, forSeconds: 0, severity: 'high', ...overrides };
}

function setup(rules: HealthRule[], options: { readOnly?: boolean; maxAlertsPerMinute?: number; writer?: FakeWriter } = {}) {
  const clock = new FakeClock();
  const writer = options.writer ?? new FakeWriter();
  const engine = new HealthEngine(
    {
      envId: 'env-1',
      namespace: 'ns:',
      clock,
      logger,
      writer,
      envName: () => 'Staging',
      isReadOnly: () => options.readOnly ?? false,
      rules: () => rules,
    },
    { maxAlertsPerMinute: options.maxAlertsPerMinute ?? 10, episodeTtlMs: 60_000 },
  );
  const evaluate = async (o: EnvironmentOverview) => {
    engine.evaluate(o);
    await engine.idle();
  };
  return { clock, writer, engine, evaluate };
}

function overviewAt(at: number, streams: StreamInfo[] | null, queues: QueueInfo[] | null = null): EnvironmentOverview {
  return {
    envId: 'env-1',
    at,
    redis: { status: { state: 'connected', since: 1 }, streams, staleSince: null, truncated: false },
    amqp: { status: { state: queues ? 'connected' : 'not-configured', since: 1 }, source: queues ? 'management' : null, queues, staleSince: null, note: null },
  };
}

const lagged = (lag: number) => [stream('ns:security.events', 5000, { groups: [group('alert-engine', { lag })] })];
const queue = (name: string, ready: number, unacked: number | null = 0, isDeadLetter = false): QueueInfo => ({ name, ready, unacked, consumers: 0, isDeadLetter, publishRate: null, deliverRate: null, ackRate: null });

describe('health engine', () => {
  it('fires consumer lag only after forSeconds, writes one valid seed-000 alert, does not re-fire while firing, resolves', async () => {
    const { clock, writer, engine, evaluate } = setup([rule({ kind: 'consumer-lag', threshold: 1000, forSeconds: 300 })]);
    await evaluate(overviewAt(clock.now(), lagged(1500)));
    expect(engine.firing()).toEqual([]);
    await evaluate(overviewAt(clock.advance(299_000), lagged(1600)));
    expect(engine.firing()).toEqual([]);
    await evaluate(overviewAt(clock.advance(1_000), lagged(1700)));
    const [firing] = engine.firing();
    expect(firing).toMatchObject({ ruleId: 'consumer-lag', subject: 'ns:security.events / alert-engine', value: 1700, alert: { state: 'written' } });
    expect(firing?.conditionSince).toBe(1_000_000);
    expect(writer.written).toHaveLength(1);
    expect(SecurityAlert.parse(writer.written[0])).toMatchObject({ severity: 'high', status: 'open', escalation_level: 1, asset_id: 'ns:security.events / alert-engine' });

    for (let i = 0; i < 5; i++) await evaluate(overviewAt(clock.advance(30_000), lagged(1800)));
    expect(writer.written).toHaveLength(1);
    expect(engine.firing()[0]?.value).toBe(1800);
    expect(writer.renewals).toBeGreaterThan(0);

    await evaluate(overviewAt(clock.advance(1_000), lagged(10)));
    expect(engine.firing()).toEqual([]);
  });

  it('restarts the forSeconds count when the condition clears in between', async () => {
    const { clock, engine, evaluate } = setup([rule({ kind: 'consumer-lag', threshold: 100, forSeconds: 60 })]);
    await evaluate(overviewAt(clock.now(), lagged(500)));
    await evaluate(overviewAt(clock.advance(50_000), lagged(50)));
    await evaluate(overviewAt(clock.advance(20_000), lagged(500)));
    expect(engine.firing()).toEqual([]);
    await evaluate(overviewAt(clock.advance(60_000), lagged(500)));
    expect(engine.firing()).toHaveLength(1);
  });

  it('keeps its state when the source was not read (stale), and resolves a subject that is gone', async () => {
    const { clock, engine, evaluate } = setup([rule({ kind: 'consumer-lag', threshold: 100 })]);
    await evaluate(overviewAt(clock.now(), lagged(500)));
    expect(engine.firing()).toHaveLength(1);
    const stale = overviewAt(clock.advance(5_000), lagged(0));
    stale.redis.staleSince = clock.now() - 5_000;
    await evaluate(stale);
    expect(engine.firing()).toHaveLength(1);
    await evaluate(overviewAt(clock.advance(1_000), []));
    expect(engine.firing()).toEqual([]);
  });

  it('fires RabbitMQ depth on ready + unacked, with both seed levels', async () => {
    const rules = DEFAULT_HEALTH_RULES.filter((r) => r.kind === 'queue-depth');
    const { clock, writer, engine, evaluate } = setup([...rules]);
    await evaluate(overviewAt(clock.now(), null, [queue('ns:alert_queue', 900, 200), queue('ns:metrics_queue', 900, null)]));
    expect(engine.firing().map((f) => [f.ruleId, f.subject, f.value, f.severity])).toEqual([['queue-depth-1000', 'rabbitmq:ns:alert_queue', 1100, 'medium']]);
    await evaluate(overviewAt(clock.advance(1000), null, [queue('ns:alert_queue', 12_000, 0), queue('ns:metrics_queue', 900, null)]));
    expect(engine.firing().map((f) => [f.ruleId, f.severity])).toEqual([
      ['queue-depth-10000', 'high'],
      ['queue-depth-1000', 'medium'],
    ]);
    expect(writer.written.map((a) => a.severity)).toEqual(['medium', 'high']);
  });

  it('measures DLQ growth as entries added within the last hour', async () => {
    const { clock, engine, evaluate } = setup([rule({ kind: 'dlq-growth', threshold: 50, severity: 'medium' })]);
    const dlq = (length: number) => [stream('ns:security.events.dlq', length, { isDeadLetter: true })];
    await evaluate(overviewAt(clock.now(), dlq(1000))); // there before: the baseline, not growth
    expect(engine.firing()).toEqual([]);
    await evaluate(overviewAt(clock.advance(20 * 60_000), dlq(1030)));
    await evaluate(overviewAt(clock.advance(20 * 60_000), dlq(1020))); // a replay drains some: not negative growth
    await evaluate(overviewAt(clock.advance(10 * 60_000), dlq(1040)));
    expect(engine.firing()).toEqual([]); // 30 + 20 = 50, not > 50
    await evaluate(overviewAt(clock.advance(60_000), dlq(1041)));
    expect(engine.firing()[0]).toMatchObject({ subject: 'ns:security.events.dlq', value: 51 });
    // An hour after the first 30 were seen (t = 20 min) they leave the window: 21 remain.
    await evaluate(overviewAt(clock.advance(28 * 60_000), dlq(1041)));
    expect(engine.firing()).toHaveLength(1);
    await evaluate(overviewAt(clock.advance(2 * 60_000), dlq(1041)));
    expect(engine.firing()).toEqual([]);
  });

  it('measures the processing error rate as DLQ additions ÷ group reads over 60 s', async () => {
    const { clock, engine, evaluate } = setup([rule({ kind: 'processing-error-rate', threshold: 5, forSeconds: 0, severity: 'critical' })]);
    const at = (read: number, dead: number) => [
      stream('ns:security.events', 100, { groups: [group('event-processors', { entriesRead: read }), group('alert-engine', { entriesRead: read })] }),
      stream('ns:security.events.dlq', dead, { isDeadLetter: true, entriesAdded: dead }),
    ];
    await evaluate(overviewAt(clock.now(), at(1000, 10)));
    await evaluate(overviewAt(clock.advance(30_000), at(1100, 14))); // 4 of 200 reads = 2 %
    expect(engine.firing()).toEqual([]);
    await evaluate(overviewAt(clock.advance(20_000), at(1200, 24))); // 14 of 400 = 3.5 %
    expect(engine.firing()).toEqual([]);
    await evaluate(overviewAt(clock.advance(20_000), at(1250, 34))); // 24 of 500 = 4.8 %
    expect(engine.firing()).toEqual([]);
    await evaluate(overviewAt(clock.advance(1_000), at(1250, 44))); // 34 of 500 = 6.8 %
    const [firing] = engine.firing();
    expect(firing?.severity).toBe('critical');
    expect(firing?.value).toBeCloseTo(6.8, 5);
    // A minute with no reads and no dead letters is "no data": resolved
    await evaluate(overviewAt(clock.advance(61_000), at(1250, 44)));
    expect(engine.firing()).toEqual([]);
  });

  it('does not write on a read-only environment but reports firing', async () => {
    const { clock, writer, engine, evaluate } = setup([rule({ kind: 'consumer-lag', threshold: 100 })], { readOnly: true });
    await evaluate(overviewAt(clock.now(), lagged(500)));
    expect(engine.firing()[0]?.alert).toEqual({ state: 'read-only', alertId: null, note: 'not written: read-only environment' });
    expect(writer.written).toEqual([]);
  });

  it('writes once per episode when another console already wrote it', async () => {
    const writer = new FakeWriter();
    const a = setup([rule({ kind: 'consumer-lag', threshold: 100 })], { writer });
    const b = setup([rule({ kind: 'consumer-lag', threshold: 100 })], { writer });
    await a.evaluate(overviewAt(a.clock.now(), lagged(500)));
    await b.evaluate(overviewAt(b.clock.now(), lagged(500)));
    expect(writer.written).toHaveLength(1);
    expect(b.engine.firing()[0]?.alert.state).toBe('already-written');
  });

  it('caps alerts per minute per environment (alert storm); capped ones are written once the minute has room', async () => {
    const { clock, writer, engine, evaluate } = setup([rule({ kind: 'queue-depth', threshold: 10 })], { maxAlertsPerMinute: 3 });
    const queues = Array.from({ length: 5 }, (_, i) => queue(`ns:q${i}`, 100));
    await evaluate(overviewAt(clock.now(), null, queues));
    expect(writer.written).toHaveLength(3);
    expect(engine.firing().filter((f) => f.alert.state === 'storm-capped')).toHaveLength(2);
    expect(engine.firing().find((f) => f.alert.state === 'storm-capped')?.alert.note).toContain('alert storm');
    await evaluate(overviewAt(clock.advance(30_000), null, queues));
    expect(writer.written).toHaveLength(3);
    await evaluate(overviewAt(clock.advance(31_000), null, [...queues, queue('ns:q5', 100), queue('ns:q6', 100)]));
    expect(writer.written).toHaveLength(6); // the 2 capped + 1 new; q6 waits for the next minute
    expect(engine.firing().filter((f) => f.alert.state === 'storm-capped').map((f) => f.subject)).toEqual(['rabbitmq:ns:q6']);
    expect(new Set(writer.written.map((a) => a.asset_id)).size).toBe(6);
  });

  it('retries a write that failed (Redis down) on the next evaluation', async () => {
    const writer = new FakeWriter();
    let isDown = true;
    const flaky: AlertWriter = {
      writeOnce: (key, ttl, alert) => (isDown ? Promise.reject(new Error('Redis is not connected')) : writer.writeOnce(key, ttl, alert)),
      renew: () => writer.renew(),
    };
    const clock = new FakeClock();
    const engine = new HealthEngine(
      { envId: 'env-1', namespace: '', clock, logger, writer: flaky, envName: () => 'x', isReadOnly: () => false, rules: () => [rule({ kind: 'consumer-lag', threshold: 1 })] },
      { maxAlertsPerMinute: 10, episodeTtlMs: 60_000 },
    );
    engine.evaluate(overviewAt(clock.now(), lagged(5)));
    await engine.idle();
    expect(engine.firing()[0]?.alert).toMatchObject({ state: 'failed', note: 'not written: Redis is not connected' });
    isDown = false;
    engine.evaluate(overviewAt(clock.advance(1000), lagged(5)));
    await engine.idle();
    expect(engine.firing()[0]?.alert.state).toBe('written');
    expect(writer.written).toHaveLength(1);
  });

  it('drops the state of a rule that is disabled', async () => {
    const rules = [rule({ kind: 'consumer-lag', threshold: 1 })];
    const { clock, engine, evaluate } = setup(rules);
    await evaluate(overviewAt(clock.now(), lagged(5)));
    expect(engine.firing()).toHaveLength(1);
    rules[0]!.enabled = false;
    await evaluate(overviewAt(clock.advance(1000), lagged(5)));
    expect(engine.firing()).toEqual([]);
  });
});

describe('health rule math', () => {
  it('error rate: dead letters ÷ reads in percent; no data is null', () => {
    expect(errorRatePercent(5, 100)).toBe(5);
    expect(errorRatePercent(0, 100)).toBe(0);
    expect(errorRatePercent(0, 0)).toBeNull();
    expect(errorRatePercent(3, 0)).toBe(100);
  });

  it('counter window: counts only increases within the window', () => {
    const counter = new CounterWindow(3_600_000);
    counter.observe(0, 100);
    counter.observe(1000, 110);
    counter.observe(2000, 105);
    counter.observe(3000, 115);
    expect(counter.increaseOver(3_600_000, 3000)).toBe(20);
    expect(counter.increaseOver(1500, 3000)).toBe(10);
    expect(counter.increaseOver(3_600_000, 3_601_500)).toBe(10);
  });

  it('seed defaults validate and match seed 000 / 002', () => {
    expect(HealthRuleList.parse(DEFAULT_HEALTH_RULES)).toHaveLength(5);
    expect(DEFAULT_HEALTH_RULES.map((r) => [r.kind, r.threshold, r.forSeconds, r.severity])).toEqual([
      ['consumer-lag', 1000, 300, 'high'],
      ['processing-error-rate', 5, 120, 'critical'],
      ['dlq-growth', 50, 0, 'medium'],
      ['queue-depth', 1000, 0, 'medium'],
      ['queue-depth', 10_000, 0, 'high'],
    ]);
    expect(HealthRuleList.safeParse([{ ...DEFAULT_HEALTH_RULES[0], threshold: -1 }]).success).toBe(false);
    expect(HealthRuleList.safeParse([{ ...DEFAULT_HEALTH_RULES[0], forSeconds: 86_401 }]).success).toBe(false);
    expect(HealthRuleList.safeParse([DEFAULT_HEALTH_RULES[0], DEFAULT_HEALTH_RULES[0]]).success).toBe(false);
  });

  it('the alert is seed-000 shaped with a stable rule uuid', () => {
    const alert = buildHealthAlert({ envId: 'local', envName: 'Local', rule: DEFAULT_HEALTH_RULES[1]!, subject: 'security.events', value: 7.25, conditionSince: 0, now: 120_000 });
    expect(SecurityAlert.parse(alert)).toBeTruthy();
    expect(alert.rule_id).toBe(ruleUuid('processing-error-rate'));
    expect(alert.rule_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(alert.message).toContain('7.3 %');
    expect(alert.metadata.sla_deadline).toBe(new Date(120_000 + 3_600_000).toISOString());
  });
});
