import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertStore } from '../../electron/core/alerts/alert-store';
import { DEFAULT_ESCALATION_POLICY } from '../../shared/model/alerts';
import type { SecurityAlert } from '../../shared/schemas/security-streams';
import { REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { cleanupNamespace, createTestCore, type TestCore } from '../helpers/core';
import { waitFor } from '../helpers/wait';

const ALERTS = 30_500;

function seedAlert(i: number, now: number): SecurityAlert {
  return {
    id: `page-${i}`,
    rule_id: `rule-${i % 40}`,
    timestamp: new Date(now - i * 1000).toISOString(),
    organization_id: `org-${i % 7}`,
    asset_id: `asset-${i % 500}`,
    severity: (['critical', 'high', 'medium', 'low', 'info'] as const)[i % 5]!,
    title: `finding ${i}`,
    message: `paging alert ${i}`,
    status: 'open',
    escalation_level: 1,
    notification_channels: ['slack'],
    metadata: { sla_deadline: new Date(now + 3_600_000).toISOString(), escalation_schedule: [] },
  };
}

/**
 * `alerts.list` on the real Redis (issue 19): 30,000+ alerts of one environment are listed
 * complete, in bounded pages; an alert that cannot be read (a key of the wrong type, a hash
 * without its state) makes the answer partial, counted and named, instead of vanishing.
 */
describe('alerts.list reads in pages and never drops an alert silently', () => {
  const ns = uniqueNamespace('alertpage');
  const redis = new Redis(REDIS_URL);
  const store = new AlertStore(redis, ns, DEFAULT_ESCALATION_POLICY);
  let t: TestCore;

  beforeAll(async () => {
    const now = Date.now();
    for (let i = 0; i < ALERTS; i += 1000) await Promise.all(Array.from({ length: Math.min(1000, ALERTS - i) }, (_, j) => store.ingest(seedAlert(i + j, now), now)));
    t = await createTestCore(ns, { amqp: null, managementUrl: null }, { alertOptions: { passive: true } });
    await t.core.startRuntimes([t.envId]);
    await waitFor(() => t.core.runtime(t.envId).redis?.isReady, 'connected');
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    redis.disconnect();
    await cleanupNamespace(ns);
  });

  it(`lists all ${ALERTS.toLocaleString('en-US')} alerts in one call, complete and each once`, async () => {
    const r = await t.core.call('alerts.list', { envId: t.envId, limit: 50_000 });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.total).toBe(ALERTS);
    expect(r.value.alerts.length).toBe(ALERTS);
    expect(r.value).toMatchObject({ partial: false, unread: null, listed: ALERTS, offset: 0 });
    expect(new Set(r.value.alerts.map((a) => a.id)).size).toBe(ALERTS);
    // Newest first: the index order is kept across pages.
    expect(r.value.alerts[0]!.id).toBe('page-0');
    expect(r.value.alerts.at(-1)!.id).toBe(`page-${ALERTS - 1}`);
  });

  it('pages with offset cover every alert exactly once', async () => {
    const seen: string[] = [];
    for (let offset = 0; ; offset += 7000) {
      const r = await t.core.call('alerts.list', { envId: t.envId, limit: 7000, offset });
      if (!r.ok) throw new Error(r.error.message);
      expect(r.value.partial).toBe(false);
      seen.push(...r.value.alerts.map((a) => a.id));
      if (r.value.listed < 7000) break;
    }
    expect(seen.length).toBe(ALERTS);
    expect(new Set(seen).size).toBe(ALERTS);
  });

  it('an alert that cannot be read makes the list partial, with the count and the reason', async () => {
    const keys = store.keys;
    // Two keys overwritten with a string (HGET answers WRONGTYPE), one hash without its state.
    await redis.set(keys.alert('page-10'), 'not a hash');
    await redis.set(keys.alert('page-20000'), 'not a hash');
    await redis.hdel(keys.alert('page-30000'), 'json');
    try {
      const r = await t.core.call('alerts.list', { envId: t.envId, limit: 50_000 });
      if (!r.ok) throw new Error(r.error.message);
      expect(r.value.partial).toBe(true);
      expect(r.value.total).toBe(ALERTS);
      expect(r.value.alerts.length).toBe(ALERTS - 3);
      expect(r.value.listed).toBe(ALERTS);
      expect(r.value.unread).toMatchObject({ count: 3, retryable: false });
      expect(r.value.unread!.reason).toMatch(/2 × WRONGTYPE.*; 1 × .*no state/);
      expect(r.value.unread!.sampleIds.sort()).toEqual(['page-10', 'page-20000', 'page-30000']);
      expect(r.value.alerts.some((a) => a.id === 'page-10')).toBe(false);
    } finally {
      const now = Date.now();
      await redis.del(keys.alert('page-10'), keys.alert('page-20000'), keys.alert('page-30000'));
      for (const i of [10, 20000, 30000]) await redis.zrem(keys.index, `page-${i}`);
      for (const i of [10, 20000, 30000]) await store.ingest(seedAlert(i, now), now);
    }
  });
});
