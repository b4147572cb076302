import { randomUUID } from 'node:crypto';
import { startReceiver, type Receiver } from '../helpers/http-receiver';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { cleanupNamespace, createTestCore, type TestCore } from '../helpers/core';
import { waitFor } from '../helpers/wait';

interface Received {
  path: string;
  body: Record<string, unknown>;
}

/**
 * Issue 14 item 3, end to end in the workers' thread: a seed 000 alert listing webhook,
 * incident_management and sms → the alert processor stores it and emits level 1 to the alert's
 * channels plus the policy's → the webhook and the PagerDuty (Events API v2) senders deliver to a
 * receiver on loopback, once each; sms (no sender) and slack/email/phone (no destination) are
 * recorded as not configured; nothing is dead-lettered. Acknowledging and resolving the alert send
 * PagerDuty acknowledge and resolve with the same dedup key.
 */
describe("an alert's own channels, PagerDuty, and channels nobody configured", () => {
  const ns = uniqueNamespace('alertch');
  const redis = new Redis(REDIS_URL);
  const received: Received[] = [];
  let receiver: Receiver;
  let base = '';
  let t: TestCore;

  beforeAll(async () => {
    receiver = await startReceiver((req, body) => {
      received.push({ path: req.url ?? '', body: JSON.parse(body) as Record<string, unknown> });
      // PagerDuty answers 202 Accepted.
      return req.url === '/pd' ? { status: 202, headers: { 'content-type': 'application/json' }, body: '{"status":"success","message":"Event processed"}' } : { status: 200, body: 'ok' };
    });
    base = receiver.base;
    t = await createTestCore(ns, {}, { workerOptions: { timings: { blockMs: 100, reclaimEveryMs: 500 }, notifyOptions: { retryDelays: { exponentialBaseMs: 50, fixedDelayMs: 50 }, timeoutMs: 3000 } } });
  });

  afterAll(async () => {
    await t.close();
    await cleanupNamespace(ns);
    redis.disconnect();
    await receiver.close();
  });

  it('sends to the webhook and PagerDuty once each, marks sms not configured, dead-letters nothing; ack and resolve follow on PagerDuty', async () => {
    const set = await t.core.call('workers.setDestinations', {
      envId: t.envId,
      destinations: { webhook: { url: `${base}/hook`, secret: 'hook-secret', allowList: [] }, pagerDuty: { eventsUrl: `${base}/pd`, routingKey: 'R0UTINGKEY-incident' } },
    });
    expect(set.ok && set.value.pagerDuty).toEqual({ eventsUrl: `${base}/pd`, hasRoutingKey: true, hasPhoneRoutingKey: false });
    const started = await t.core.call('workers.start', { envId: t.envId, only: ['alert', 'webhook', 'incident', 'phone', 'slack'] });
    expect(started.ok).toBe(true);
    if (!started.ok) return;
    expect(started.value.processors.filter((p) => p.state !== 'stopped').map((p) => p.name).sort()).toEqual(['alert', 'incident', 'webhook']);
    // The Workers view says which channels cannot go out.
    expect(started.value.processors.find((p) => p.name === 'phone')!.unavailable).toMatch(/phone not configured/);
    expect(started.value.processors.find((p) => p.name === 'slack')!.unavailable).toMatch(/no Slack webhook URL configured/);

    const id = randomUUID();
    const now = Date.now();
    const alert = {
      id,
      rule_id: randomUUID(),
      timestamp: new Date(now).toISOString(),
      organization_id: 'org-1',
      asset_id: 'kong-1',
      severity: 'high',
      title: 'Kong Admin API exposed',
      message: 'Kong Admin API exposed without authentication',
      status: 'open',
      escalation_level: 1,
      notification_channels: ['webhook', 'incident_management', 'sms'],
      metadata: { sla_deadline: new Date(now + 3_600_000).toISOString(), escalation_schedule: ['security_team', 'devops_lead', 'cto'], source: 'kong_monitor' },
    };
    await redis.xadd(`${ns}security.alerts`, '*', 'data', JSON.stringify(alert));

    const hook = await waitFor(() => received.find((r) => r.path === '/hook' && r.body.alert_id === id), 'the level-1 notification at the webhook', 30_000);
    expect(hook.body).toMatchObject({ dedup_key: `${id}:L1`, channels: ['webhook', 'incident_management', 'sms', 'slack', 'email'], not_configured: ['sms', 'slack', 'email'] });
    const trigger = await waitFor(() => received.find((r) => r.path === '/pd' && r.body.dedup_key === id && r.body.event_action === 'trigger'), 'the PagerDuty trigger', 30_000);
    expect(trigger.body).toMatchObject({ routing_key: 'R0UTINGKEY-incident', payload: { summary: '[HIGH] Kong Admin API exposed', source: 'kong_monitor', severity: 'error' } });

    const stored = await t.core.call('alerts.get', { envId: t.envId, id });
    expect(stored.ok).toBe(true);
    if (!stored.ok) return;
    expect(stored.value.alert.timeline.map((e) => e.detail)).toContain('level 1: not configured — sms, slack, email');

    const acked = await t.core.call('alerts.act', { envId: t.envId, id, expectedVersion: stored.value.alert.version, action: 'ack' });
    expect(acked.ok).toBe(true);
    if (!acked.ok) return;
    await waitFor(() => received.find((r) => r.path === '/pd' && r.body.dedup_key === id && r.body.event_action === 'acknowledge'), 'the PagerDuty acknowledge', 30_000);
    const resolved = await t.core.call('alerts.act', { envId: t.envId, id, expectedVersion: acked.value.version, action: 'resolve', resolution: 'fixed' });
    expect(resolved.ok).toBe(true);
    await waitFor(() => received.find((r) => r.path === '/pd' && r.body.dedup_key === id && r.body.event_action === 'resolve'), 'the PagerDuty resolve', 30_000);

    // Every sender has handled every entry of the stream (the acknowledge/resolve too): only now is "once" provable.
    const entries = await redis.xlen(`${ns}security.notifications`);
    expect(entries).toBe(3);
    await waitFor(async () => {
      const groups = (await redis.xinfo('GROUPS', `${ns}security.notifications`)) as unknown[][];
      const info = groups.map((g) => Object.fromEntries(Array.from({ length: g.length / 2 }, (_, i) => [String(g[2 * i]), g[2 * i + 1]])));
      return ['webhook-sender', 'incident-sender'].every((name) => info.some((g) => g.name === name && g.pending === 0 && g['entries-read'] === entries));
    }, 'both senders done with the 3 entries');
    const mine = received.filter((r) => r.body.alert_id === id || r.body.dedup_key === id);
    expect(mine.filter((r) => r.path === '/hook')).toHaveLength(1);
    expect(mine.filter((r) => r.path === '/pd').map((r) => r.body.event_action)).toEqual(['trigger', 'acknowledge', 'resolve']);
    // The acknowledge / resolve carry only the incident's key (Events API v2).
    expect(mine.find((r) => r.body.event_action === 'resolve')!.body).toEqual({ routing_key: 'R0UTINGKEY-incident', event_action: 'resolve', dedup_key: id });

    for (const dlq of ['security.notifications.dlq', 'security.notifications.priority.dlq', 'security.alerts.dlq']) expect(await redis.xlen(`${ns}${dlq}`)).toBe(0);
    const view = await t.core.call('workers.list', { envId: t.envId });
    expect(view.ok && view.value.processors.filter((p) => ['alert', 'webhook', 'incident'].includes(p.name)).every((p) => p.counters.deadLettered === 0)).toBe(true);
  });
});
