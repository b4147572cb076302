import { describe, expect, it } from 'vitest';
import type { FiringRule } from '../../../shared/model/health-rules';
import { fleetRow, withoutNamespace } from '../../../renderer/src/features/overview/fleet.logic';
import { environmentView, group, overview, stream } from './fixtures';

function firing(ruleId: string, severity: FiringRule['severity']): FiringRule {
  return {
    ruleId,
    kind: 'consumer-lag',
    severity,
    subject: 's / g',
    value: 5,
    threshold: 1,
    conditionSince: 1,
    firingSince: 1,
    alert: { state: 'written', alertId: 'a', note: null },
  };
}

describe('fleet row', () => {
  it('finds the worst lag, sums DLQ streams and DLQ queues, counts firing rules with the worst severity', () => {
    const env = environmentView({ id: 'prod', name: 'Prod', production: true, readOnly: true });
    const o = overview('prod', 10, [
      stream('security.events', 100, { groups: [group('a', { lag: 3 }), group('b', { lag: 1200 })] }),
      stream('security.alerts', 10, { groups: [group('c', { lag: null })] }),
      stream('security.events.dlq', 7, { isDeadLetter: true }),
      stream('security.scans.dlq', 5, { isDeadLetter: true }),
    ]);
    o.amqp = {
      status: { state: 'connected', since: 1 },
      source: 'management',
      queues: [
        { name: 'alert_queue', ready: 900, unacked: 5, consumers: 1, isDeadLetter: false, publishRate: null, deliverRate: null, ackRate: null },
        { name: 'alert_queue.dlq', ready: 4, unacked: 2, consumers: 0, isDeadLetter: true, publishRate: null, deliverRate: null, ackRate: null },
        { name: 'metrics_queue.dlq', ready: 1, unacked: null, consumers: 0, isDeadLetter: true, publishRate: null, deliverRate: null, ackRate: null },
      ],
      staleSince: null,
      note: null,
    };
    const row = fleetRow(env, o, [firing('dlq-growth', 'medium'), firing('processing-error-rate', 'critical'), firing('consumer-lag', 'high')]);
    expect(row).toMatchObject({
      production: true,
      readOnly: true,
      redis: 'connected',
      amqp: 'connected',
      worstLag: { value: 1200, stream: 'security.events', group: 'b' },
      dlqTotal: 7 + 5 + 6 + 1,
      firingCount: 3,
      worstFiring: 'critical',
      staleSince: null,
      isWaiting: false,
    });
  });

  it('shows waiting, unknown values and staleness honestly', () => {
    const env = environmentView();
    expect(fleetRow(env, undefined, undefined)).toMatchObject({ isWaiting: true, redis: 'unknown', worstLag: null, dlqTotal: null, firingCount: 0, worstFiring: null });
    const down = overview('env-1', 10, null);
    down.redis.status = { state: 'disconnected', since: 2 };
    expect(fleetRow(env, down, [])).toMatchObject({ redis: 'disconnected', amqp: 'not-configured', dlqTotal: null, worstLag: null });
    const stale = overview('env-1', 10, [stream('x.dlq', 3, { isDeadLetter: true })]);
    stale.redis.staleSince = 7;
    expect(fleetRow(env, stale, [])).toMatchObject({ staleSince: 7, dlqTotal: 3 });
  });

  it('says which brokers are down instead of showing their figures as current (unknown is not zero)', () => {
    const env = environmentView();
    const both = overview('env-1', 10, null);
    both.redis.status = { state: 'disconnected', since: 2, failure: { kind: 'refused', message: 'ECONNREFUSED' } };
    both.amqp = { status: { state: 'disconnected', since: 2, failure: { kind: 'timeout', message: 't' } }, source: null, queues: null, staleSince: null, note: null };
    expect(fleetRow(env, both, [])).toMatchObject({ allDown: true, down: ['Redis (connection refused)', 'RabbitMQ (timed out)'], dlqTotal: null });
    const half = overview('env-1', 10, null);
    half.redis.status = { state: 'connecting', since: 2 };
    half.amqp = { status: { state: 'connected', since: 1 }, source: 'management', queues: [], staleSince: null, note: null };
    expect(fleetRow(env, half, [])).toMatchObject({ allDown: false, down: ['Redis (connecting)'], dlqTotal: 0 });
    const fine = overview('env-1', 10, []);
    expect(fleetRow(env, fine, [])).toMatchObject({ allDown: false, down: [] });
  });

  it('shows the database: not configured without one, its state and why it is down, a schema note while up', () => {
    const none = environmentView({ id: 'env-1' });
    expect(fleetRow(none, overview('env-1', 10, []), [])).toMatchObject({ postgres: 'not-configured', postgresNote: null });
    const env = environmentView({ id: 'env-1', postgres: { url: 'postgres://wf@db:5432/wf', hasPassword: false } });
    expect(fleetRow(env, undefined, [])).toMatchObject({ postgres: 'unknown' });
    const o = overview('env-1', 10, []);
    expect(fleetRow(env, o, [])).toMatchObject({ postgres: 'unknown', postgresNote: null });
    const info = { schemaVersion: 3, knownVersion: 3, storage: 'postgresql' as const, note: null, checkedAt: 9 };
    o.postgres = { ...info, status: { state: 'connected', since: 1 } };
    expect(fleetRow(env, o, [])).toMatchObject({ postgres: 'connected', postgresNote: null });
    o.postgres = { ...info, note: 'schema v5 is newer', status: { state: 'connected', since: 1 } };
    expect(fleetRow(env, o, [])).toMatchObject({ postgres: 'connected', postgresNote: 'schema v5 is newer' });
    o.postgres = { ...info, status: { state: 'disconnected', since: 2, failure: { kind: 'refused', message: 'db:5432/wf refused the connection' } } };
    expect(fleetRow(env, o, [])).toMatchObject({ postgres: 'disconnected', postgresNote: 'db:5432/wf refused the connection' });
    // A database down is not "all down": the brokers' data is still current.
    expect(fleetRow(env, o, [])).toMatchObject({ allDown: false, down: [] });
  });

  it('strips the namespace for display only', () => {
    expect(withoutNamespace('ns:security.events', 'ns:')).toBe('security.events');
    expect(withoutNamespace('security.events', '')).toBe('security.events');
  });
});
