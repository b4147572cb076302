import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertForEvent, createRandom, securityEvent } from '../../electron/core/demo/message-factory';
import { REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { cleanupNamespace, createTestCore, type TestCore } from '../helpers/core';
import { waitFor } from '../helpers/wait';

/**
 * Two consoles (two cores, two config homes) on one environment: alerts written to
 * `security.alerts` become shared state; an action on one is seen by the other; stale actions get
 * "changed by"; every action is in the team audit stream and the acting console's hash-chained log.
 */
describe('alerts through the core: ingest, act, change feed, audit', () => {
  const ns = uniqueNamespace('alertsvc');
  const redis = new Redis(REDIS_URL);
  const random = createRandom(7);
  let a: TestCore;
  let b: TestCore;
  let bEnvId: string;
  let readOnlyId: string;

  const raise = async (severity: 'critical' | 'high' = 'critical') => {
    const event = { ...securityEvent(random, Date.now()), severity } as unknown as Record<string, unknown> & { correlation_id: string };
    await redis.xadd(`${ns}security.events`, '*', 'data', JSON.stringify(event));
    const alert = alertForEvent(event, Date.now());
    await redis.xadd(`${ns}security.alerts`, '*', 'data', JSON.stringify(alert));
    return { event, alert: alert as { id: string } };
  };

  beforeAll(async () => {
    a = await createTestCore(ns, { amqp: null, managementUrl: null });
    b = await createTestCore(ns, { amqp: null, managementUrl: null });
    bEnvId = b.envId;
    const ro = await b.core.call('environments.add', { name: `RO ${ns}`, production: true, namespace: ns, redis: { url: REDIS_URL } });
    if (!ro.ok) throw new Error(ro.error.message);
    readOnlyId = ro.value.id;
    await b.core.startRuntimes([bEnvId, readOnlyId]);
    await waitFor(() => a.core.runtime(a.envId).redis?.isReady && b.core.runtime(bEnvId).redis?.isReady && b.core.runtime(readOnlyId).redis?.isReady, 'connected');
    // Let both ingesters take their starting cursor before the first alert.
    await new Promise((r) => setTimeout(r, 400));
    const named = await a.core.call('settings.update', { analystName: 'Ana Lopez' });
    expect(named.ok && named.value.who).toMatch(/^Ana Lopez \(.+\)$/);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    redis.disconnect();
    await cleanupNamespace(ns);
  });

  it('ingests a seed-000 alert once, with its SLA deadline and correlation id, and both consoles list it', async () => {
    const { alert, event } = await raise();
    const listed = await waitFor(async () => {
      const r = await b.core.call('alerts.list', { envId: bEnvId, limit: 100 });
      return r.ok ? r.value.alerts.find((x) => x.id === alert.id) : undefined;
    }, 'alert listed on b');
    expect(listed).toMatchObject({ status: 'open', level: 1, severity: 'critical', version: 1, correlationId: event.correlation_id, noteCount: 0 });
    expect(listed.slaDeadline).toBeGreaterThan(Date.now());
    // Both ingesters read the entry; it was created once (one "created" entry in the team audit).
    const audit = await a.core.call('audit.team', { envId: a.envId, count: 100 });
    expect(audit.ok && audit.value.filter((e) => e.alertId === alert.id && e.what === 'created')).toHaveLength(1);
    // And the evidence: the triggering event, found by its correlation id.
    const evidence = await a.core.call('alerts.evidence', { envId: a.envId, id: alert.id });
    await waitFor(() => (a.latest()?.redis.streams ?? []).some((s) => s.name === `${ns}security.events`), 'events stream discovered');
    const again = await a.core.call('alerts.evidence', { envId: a.envId, id: alert.id });
    expect(evidence.ok).toBe(true);
    expect(again.ok && again.value.items[0]).toMatchObject({ stream: `${ns}security.events`, isTrigger: true });
  });

  it('an acknowledgment on one console reaches the other through the change feed; a stale action gets "changed by"', async () => {
    const { alert } = await raise();
    const onA = await waitFor(async () => {
      const r = await a.core.call('alerts.get', { envId: a.envId, id: alert.id });
      return r.ok ? r.value : undefined;
    }, 'alert on a');
    expect(onA.next).toMatchObject({ level: 2 });
    const acked = await a.core.call('alerts.act', { envId: a.envId, id: alert.id, expectedVersion: onA.alert.version, action: 'ack' });
    expect(acked.ok && acked.value.status).toBe('acknowledged');
    const seen = await waitFor(() => b.events('alerts.changed').flatMap((e) => e.alerts).find((x) => x.id === alert.id && x.status === 'acknowledged'), 'b sees the ack');
    expect(seen.updatedBy).toMatch(/^Ana Lopez \(/);
    // b still holds version 1 and tries to resolve it
    const stale = await b.core.call('alerts.act', { envId: bEnvId, id: alert.id, expectedVersion: 1, action: 'resolve' });
    expect(stale.ok).toBe(false);
    if (!stale.ok) {
      expect(stale.error.code).toBe('CONFLICT');
      expect(stale.error.message).toContain('changed by Ana Lopez');
    }
    // acknowledging before the deadline cancelled level 2: the schedule now shows level 3 next
    const after = await b.core.call('alerts.get', { envId: bEnvId, id: alert.id });
    expect(after.ok && after.value.next?.level).toBe(3);
  });

  it('false positive needs a reason; bulk resolve reports each alert; read-only refuses in the core', async () => {
    const one = await raise('high');
    const two = await raise('high');
    await waitFor(async () => {
      const r = await a.core.call('alerts.list', { envId: a.envId, limit: 100 });
      return r.ok && [one.alert.id, two.alert.id].every((id) => r.value.alerts.some((x) => x.id === id)) ? true : undefined;
    }, 'both listed');
    const noReason = await a.core.call('alerts.act', { envId: a.envId, id: one.alert.id, expectedVersion: 1, action: 'resolve', resolution: 'false_positive' });
    expect(!noReason.ok && noReason.error.code).toBe('VALIDATION');
    const ro = await b.core.call('alerts.act', { envId: readOnlyId, id: one.alert.id, expectedVersion: 1, action: 'ack' });
    expect(!ro.ok && ro.error.code).toBe('READ_ONLY');
    const roList = await b.core.call('alerts.list', { envId: readOnlyId, limit: 10 });
    expect(roList.ok && roList.value.readOnly).toBe(true);
    const bulk = await a.core.call('alerts.bulk', {
      envId: a.envId,
      action: 'resolve',
      resolution: 'false_positive',
      reason: 'scanner misfire',
      items: [
        { id: one.alert.id, expectedVersion: 1 },
        { id: two.alert.id, expectedVersion: 1 },
        { id: 'no-such-alert', expectedVersion: 1 },
      ],
    });
    expect(bulk.ok).toBe(true);
    if (bulk.ok) {
      expect(bulk.value.done.map((x) => [x.status, x.resolution])).toEqual([
        ['resolved', 'false_positive'],
        ['resolved', 'false_positive'],
      ]);
      expect(bulk.value.failed).toEqual([expect.objectContaining({ id: 'no-such-alert', code: 'NOT_FOUND' })]);
    }
    const detail = await a.core.call('alerts.get', { envId: a.envId, id: one.alert.id });
    expect(detail.ok && detail.value.next).toBeNull();
    expect(detail.ok && detail.value.alert.timeline.at(-1)).toMatchObject({ what: 'resolved', detail: 'false positive: scanner misfire' });
  });

  it('the escalation policy is shared through Redis, per severity, and refused on read-only', async () => {
    const base = await a.core.call('alerts.policy', { envId: a.envId });
    expect(base.ok && base.value.default.ackWithinMs).toBe(30 * 60_000);
    if (!base.ok) return;
    const critical = { ...base.value.default, ackWithinMs: 5 * 60_000, resolveWithinMs: 60 * 60_000 };
    const ro = await b.core.call('alerts.setPolicy', { envId: readOnlyId, policy: { ...base.value, bySeverity: { critical } } });
    expect(!ro.ok && ro.error.code).toBe('READ_ONLY');
    const saved = await b.core.call('alerts.setPolicy', { envId: bEnvId, policy: { ...base.value, bySeverity: { critical } } });
    expect(saved.ok).toBe(true);
    // The other console picks it up (it re-reads the policy every few seconds) and schedules by it.
    const seen = await waitFor(async () => {
      const r = await a.core.call('alerts.policy', { envId: a.envId });
      return r.ok && r.value.bySeverity.critical?.ackWithinMs === 5 * 60_000 ? r.value : undefined;
    }, 'policy seen by a');
    expect(seen.default.ackWithinMs).toBe(30 * 60_000);
    const { alert } = await raise('critical');
    const detail = await waitFor(async () => {
      const r = await a.core.call('alerts.get', { envId: a.envId, id: alert.id });
      return r.ok ? r.value : undefined;
    }, 'new critical alert');
    expect(detail.next!.dueAt - detail.alert.createdAt).toBe(5 * 60_000);
    const restored = await b.core.call('alerts.setPolicy', { envId: bEnvId, policy: base.value });
    expect(restored.ok).toBe(true);
  });

  it("keeps this console's own actions in a hash chain that shows tampering", async () => {
    const local = await a.core.call('audit.local', { count: 100 });
    expect(local.ok).toBe(true);
    if (!local.ok) return;
    expect(local.value.verification).toMatchObject({ ok: true });
    // Alert actions, one entry each (the console's other changes — its environment, the analyst name — are there too).
    const alertEntries = local.value.entries.filter((e) => e.action.startsWith('alert.'));
    expect(alertEntries.map((e) => e.action)).toEqual(['alert.resolve', 'alert.resolve', 'alert.ack']);
    expect(alertEntries[0]).toMatchObject({ who: expect.stringMatching(/^Ana Lopez/), reason: 'scanner misfire', after: expect.objectContaining({ status: 'resolved' }) });
    const bLocal = await b.core.call('audit.local', { count: 100 });
    expect(bLocal.ok && bLocal.value.entries.filter((e) => e.action === 'alerts.policy' && !(e.after as { failed?: unknown } | null)?.failed)).toHaveLength(2);
    // Edit one line by hand: the chain breaks there.
    const file = path.join(a.home, 'audit.jsonl');
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    const edited = lines.findIndex((l) => l.includes('scanner misfire'));
    lines[edited] = lines[edited]!.replace('scanner misfire', 'nothing to see');
    writeFileSync(file, lines.join('\n') + '\n');
    const tampered = await a.core.call('audit.local', { count: 100 });
    expect(tampered.ok && tampered.value.verification).toMatchObject({ ok: false, brokenAt: edited + 1 });
  });
});
