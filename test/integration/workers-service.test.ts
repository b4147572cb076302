import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom, securityEvent, securityMetric, securityScan } from '../../electron/core/demo/message-factory';
import { alertIdForEvent } from '../../electron/core/workers/deterministic-id';
import amqp from 'amqplib';
import { AMQP_URL, REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { cleanupNamespace, createTestCore, type TestCore } from '../helpers/core';
import { waitFor } from '../helpers/wait';

const random = createRandom(11);

describe('workers through the contract, in a worker thread', () => {
  const ns = uniqueNamespace('wsvc');
  let t: TestCore;
  const redis = new Redis(REDIS_URL);

  beforeAll(async () => {
    t = await createTestCore(ns, {}, { workerOptions: { timings: { blockMs: 100, reclaimEveryMs: 500 } } });
  });

  afterAll(async () => {
    await t.close();
    await cleanupNamespace(ns);
    redis.disconnect();
  });

  it('lists every processor before anything runs, with why some cannot', async () => {
    const view = await t.core.call('workers.list', { envId: t.envId });
    expect(view.ok && view.value.isRunning).toBe(false);
    if (!view.ok) return;
    expect(view.value.isolation).toBe('thread');
    expect(view.value.processors.map((p) => p.name)).toContain('event');
    expect(view.value.processors.every((p) => p.state === 'stopped')).toBe(true);
    expect(view.value.processors.find((p) => p.name === 'event')!.source).toBe(`${ns}security.events`);
  });

  it('runs the event and alert processors off the main thread: a critical event becomes an alert in the shared store', async () => {
    const critical = { ...securityEvent(random, Date.now()), severity: 'critical' } as unknown as Record<string, unknown> & { id: string };
    const started = await t.core.call('workers.start', { envId: t.envId, only: ['event', 'alert'] });
    expect(started.ok).toBe(true);
    for (let i = 0; i < 50; i++) await redis.xadd(`${ns}security.events`, '*', 'data', JSON.stringify(securityEvent(random, Date.now())));
    await redis.xadd(`${ns}security.events`, '*', 'data', JSON.stringify(critical));
    const alert = await waitFor(async () => {
      const r = await t.core.call('alerts.get', { envId: t.envId, id: alertIdForEvent(critical.id as string) });
      return r.ok ? r.value.alert : undefined;
    }, 'the alert raised by the event processor and stored by the alert processor', 20_000);
    expect(alert.metadata.event_id).toBe(critical.id);
    const pushed = await waitFor(() => t.events('workers.changed').flatMap((e) => e.views).find((v) => v.envId === t.envId && (v.processors.find((p) => p.name === 'event')?.counters.processed ?? 0) >= 51), 'workers.changed with the processed count');
    expect(pushed.isolation).toBe('thread');
    expect(pushed.processors.find((p) => p.name === 'event')!.state).toBe('running');
    expect(pushed.processors.find((p) => p.name === 'alert')!.counters.processed).toBeGreaterThanOrEqual(1);
  });

  it('pauses, configures and stops one processor, then all', async () => {
    const paused = await t.core.call('workers.pause', { envId: t.envId, processor: 'event' });
    expect(paused.ok && paused.value.processors.find((p) => p.name === 'event')!.state).toBe('paused');
    const configured = await t.core.call('workers.configure', { envId: t.envId, processor: 'event', settings: { batch: 200, concurrency: 2 } });
    expect(configured.ok && configured.value.processors.find((p) => p.name === 'event')!.settings).toEqual({ batch: 200, concurrency: 2 });
    const resumed = await t.core.call('workers.resume', { envId: t.envId, processor: 'event' });
    expect(resumed.ok && resumed.value.processors.find((p) => p.name === 'event')!.state).not.toBe('paused');
    const stopped = await t.core.call('workers.stop', { envId: t.envId });
    expect(stopped.ok && stopped.value.isRunning).toBe(false);
    expect(stopped.ok && stopped.value.processors.every((p) => p.state === 'stopped')).toBe(true);
    const audit = await t.core.call('audit.local', { count: 50 });
    expect(audit.ok && audit.value.entries.map((e) => e.action)).toEqual(expect.arrayContaining(['workers.start', 'workers.configure', 'workers.stop']));
  });

  it('runs the scan and metrics processors: findings become events, metrics become shared 1-minute windows', async () => {
    const started = await t.core.call('workers.start', { envId: t.envId, only: ['scan', 'metrics'] });
    expect(started.ok).toBe(true);
    const scan = { ...securityScan(random, Date.now()), status: 'completed', results: { findings_count: 4, critical_issues: 1, scan_duration: 1000 } };
    await redis.xadd(`${ns}security.scans`, '*', 'data', JSON.stringify(scan));
    const asset = 'asset-under-test';
    for (let i = 1; i <= 100; i++) {
      const metric = { ...securityMetric(random, Date.now()), asset_id: asset, metrics: { response_time_ms: i } };
      await redis.xadd(`${ns}security.metrics`, '*', 'data', JSON.stringify(metric));
    }
    await waitFor(async () => {
      const events = (await redis.xrange(`${ns}security.events`, '-', '+')) as [string, string[]][];
      return events.some(([, f]) => f[1]!.includes(String((scan as Record<string, unknown>).scan_id)));
    }, 'the findings event on security.events');
    const windows = await waitFor(async () => {
      const r = await t.core.call('workers.metrics', { envId: t.envId, minutes: 5, asset, metric: 'response_time_ms' });
      const total = r.ok ? r.value.reduce((n, w) => n + w.count, 0) : 0;
      return total === 100 && r.ok ? r.value : undefined;
    }, 'the 100 samples in the windows');
    const all = windows.length === 1 ? windows[0]! : null;
    if (all) {
      expect(all.p50).toBeGreaterThan(49 * 0.98);
      expect(all.p50).toBeLessThan(51 * 1.02);
      expect(all.p99).toBeGreaterThan(98 * 0.98);
    }
    await t.core.call('workers.stop', { envId: t.envId });
  });

  it('runs the RabbitMQ consumers: a metric over its threshold becomes an alert on alert_queue, and that alert enters the shared store', async () => {
    const started = await t.core.call('workers.start', { envId: t.envId, only: ['rabbit-metrics', 'rabbit-alerts'] });
    expect(started.ok).toBe(true);
    await waitFor(async () => {
      const v = await t.core.call('workers.list', { envId: t.envId });
      return v.ok && v.value.processors.filter((p) => p.name.startsWith('rabbit-') && p.state === 'running').length === 2;
    }, 'both consumers running');
    const connection = await amqp.connect(AMQP_URL);
    const channel = await connection.createConfirmChannel();
    const systemId = 4242;
    channel.publish(`${ns}monitoring.topic`, 'metrics.collected', Buffer.from(JSON.stringify({ system_id: systemId, collected_at: new Date().toISOString(), metrics: { cpu_percent: 99.5, ram_percent: 20, disk_percent: 30, network_sent_mbps: 1, network_recv_mbps: 1, gpu_percent: 0, uptime_seconds: 100, logged_in_users: 1 } })), { persistent: true });
    await channel.waitForConfirms();
    await connection.close();
    const alert = await waitFor(async () => {
      const r = await t.core.call('alerts.list', { envId: t.envId, limit: 100 });
      return r.ok ? r.value.alerts.find((a) => a.title.includes(`system ${systemId}`)) : undefined;
    }, 'the CPU alert in the alert store', 20_000);
    expect(alert.severity).toBe('critical');
    await t.core.call('workers.stop', { envId: t.envId });
  });

  it('keeps notification secrets write-only: stored in the secret store, shown as set, never returned', async () => {
    const set = await t.core.call('workers.setDestinations', {
      envId: t.envId,
      destinations: { slack: { webhookUrl: 'https://hooks.example.test/services/T000/B000/secretpart' }, webhook: { url: 'https://receiver.example.test/hook', secret: 'hmac-secret-value', allowList: [] } },
    });
    expect(set.ok).toBe(true);
    const view = await t.core.call('workers.destinations', { envId: t.envId });
    expect(view.ok && view.value).toEqual({ slack: { hasWebhookUrl: true }, email: null, webhook: { url: 'https://receiver.example.test/hook', hasSecret: true, allowList: [] }, pagerDuty: null });
    expect(JSON.stringify(view)).not.toContain('secretpart');
    expect(JSON.stringify(view)).not.toContain('hmac-secret-value');
  });
});

describe('workers on a read-only environment', () => {
  const ns = uniqueNamespace('wro');
  let t: TestCore;
  beforeAll(async () => {
    t = await createTestCore(ns, { production: true });
  });
  afterAll(async () => {
    await t.close();
    await cleanupNamespace(ns);
  });

  it('refuses to start workers (they acknowledge and write) until write mode is on', async () => {
    const refused = await t.core.call('workers.start', { envId: t.envId });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.code).toBe('READ_ONLY');
  });
});
