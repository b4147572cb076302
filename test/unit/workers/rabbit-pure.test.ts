import { describe, expect, it } from 'vitest';
import { SecurityAlert } from '../../../shared/schemas/security-streams';
import { SystemAlert, type CollectedMetrics } from '../../../shared/schemas/rabbitmq-messages';
import { toSecurityAlert } from '../../../electron/core/workers/rabbit/alert-conversion';
import { DedupWindow } from '../../../electron/core/workers/rabbit/dedup-window';
import { deliveryId } from '../../../electron/core/workers/rabbit/message-id';
import { alertRoutingKey, evaluateThresholds, systemAlertId } from '../../../electron/core/workers/rabbit/metric-thresholds';
import { parseSeedMessage } from '../../../electron/core/workers/rabbit/parse-json';

const metrics = (over: Partial<CollectedMetrics['metrics']> = {}): CollectedMetrics => ({
  system_id: 42,
  collected_at: '2025-11-25T10:35:00Z',
  metrics: { cpu_percent: 45.23, ram_percent: 67.89, disk_percent: 55.12, network_sent_mbps: 12.45, network_recv_mbps: 8.32, gpu_percent: 78.9, uptime_seconds: 345600, logged_in_users: 3, ...over },
});

describe('metric thresholds (seed 002)', () => {
  it('raises nothing below every threshold, and nothing exactly at one (strictly above)', () => {
    expect(evaluateThresholds(metrics())).toEqual([]);
    expect(evaluateThresholds(metrics({ cpu_percent: 90, ram_percent: 90, disk_percent: 90 }))).toEqual([]);
  });

  it('cpu: > 90 warning, > 97 critical, with the crossed threshold and the collection time', () => {
    expect(evaluateThresholds(metrics({ cpu_percent: 95.5 }))).toEqual([
      { system_id: 42, alert_type: 'cpu_high', severity: 'warning', value: 95.5, threshold: 90, timestamp: '2025-11-25T10:35:00Z' },
    ]);
    expect(evaluateThresholds(metrics({ cpu_percent: 97.1 }))[0]).toMatchObject({ severity: 'critical', threshold: 97 });
  });

  it('ram has no critical level; disk has both; one alert per metric', () => {
    const alerts = evaluateThresholds(metrics({ ram_percent: 99.9, disk_percent: 98 }));
    expect(alerts.map((a) => [a.alert_type, a.severity])).toEqual([
      ['ram_high', 'warning'],
      ['disk_high', 'critical'],
    ]);
    for (const a of alerts) expect(SystemAlert.safeParse(a).success).toBe(true);
  });

  it('thresholds are configurable', () => {
    const custom = [{ metric: 'gpu_percent' as const, alertType: 'gpu_high', warning: 70 }];
    expect(evaluateThresholds(metrics({ cpu_percent: 99 }), custom).map((a) => a.alert_type)).toEqual(['gpu_high']);
  });

  it('routing key alerts.{severity}; ids deterministic per system, type and time', () => {
    const [a] = evaluateThresholds(metrics({ cpu_percent: 98 }));
    expect(alertRoutingKey(a!)).toBe('alerts.critical');
    expect(systemAlertId(a!)).toBe(systemAlertId({ ...a! }));
    expect(systemAlertId(a!)).not.toBe(systemAlertId({ ...a!, alert_type: 'disk_high' }));
    expect(systemAlertId(a!)).not.toBe(systemAlertId({ ...a!, timestamp: '2025-11-25T10:36:00Z' }));
  });
});

describe('seed 002 alert → seed 000 security.alerts', () => {
  const alert: SystemAlert = { system_id: 42, alert_type: 'cpu_high', severity: 'warning', value: 95.5, threshold: 90, timestamp: '2025-11-25T10:40:00Z' };

  it('is a valid seed 000 alert with a deterministic id', () => {
    const converted = toSecurityAlert(alert);
    expect(SecurityAlert.parse(converted)).toEqual(converted);
    expect(converted).toMatchObject({ id: systemAlertId(alert), asset_id: 'system-42', severity: 'high', status: 'open', escalation_level: 1 });
    expect(toSecurityAlert({ ...alert }).id).toBe(converted.id);
    expect(converted.metadata.sla_deadline).toBe('2025-11-25T12:40:00.000Z');
  });

  it('maps critical to critical (slack and email) and info to info', () => {
    expect(toSecurityAlert({ ...alert, severity: 'critical' })).toMatchObject({ severity: 'critical', notification_channels: ['slack', 'email'] });
    expect(toSecurityAlert({ ...alert, severity: 'info' }).severity).toBe('info');
  });
});

describe('delivery parsing, ids and dedup', () => {
  it('rejects non-JSON and schema failures with a reason', () => {
    expect(parseSeedMessage(Buffer.from('{nope'), SystemAlert)).toEqual({ ok: false, reason: 'not JSON' });
    const bad = parseSeedMessage(Buffer.from(JSON.stringify({ system_id: 'x' })), SystemAlert);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.reason).toMatch(/^schema: system_id/);
  });

  it('uses messageId, else a hash of the body', () => {
    const content = Buffer.from('{"a":1}');
    expect(deliveryId({ content, properties: { messageId: 'm-1' } } as never)).toBe('m-1');
    const hashed = deliveryId({ content, properties: {} } as never);
    expect(hashed).toMatch(/^sha1:[0-9a-f]{40}$/);
    expect(deliveryId({ content: Buffer.from('{"a":2}'), properties: {} } as never)).not.toBe(hashed);
  });

  it('remembers ids for the window only, and stays bounded', () => {
    const window = new DedupWindow(1000, 3);
    window.mark('a', 0);
    expect(window.has('a', 999)).toBe(true);
    expect(window.has('a', 1001)).toBe(false);
    for (const id of ['b', 'c', 'd', 'e']) window.mark(id, 2000);
    expect(window.size).toBe(3);
    expect(window.has('b', 2000)).toBe(false);
    expect(window.has('e', 2000)).toBe(true);
  });
});
