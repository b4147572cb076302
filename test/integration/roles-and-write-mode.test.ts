import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertStore } from '../../electron/core/alerts/alert-store';
import { DEFAULT_ESCALATION_POLICY } from '../../shared/model/alerts';
import type { SecurityAlert } from '../../shared/schemas/security-streams';
import { REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { cleanupNamespace, createTestCore, type TestCore, callConfirmed } from '../helpers/core';
import { waitFor } from '../helpers/wait';

/** Roles per environment and the timed write mode of production, checked in the core. */
describe('roles and write mode', () => {
  const ns = uniqueNamespace('roles');
  const redis = new Redis(REDIS_URL);
  let t: TestCore;
  const ids: Record<'viewer' | 'operator' | 'prod', string> = { viewer: '', operator: '', prod: '' };
  const alertId = `roles-alert-${Date.now()}`;

  beforeAll(async () => {
    t = await createTestCore(ns, { amqp: null, managementUrl: null });
    for (const [key, input] of [
      ['viewer', { role: 'viewer' as const }],
      ['operator', { role: 'operator' as const }],
      ['prod', { production: true }],
    ] as const) {
      const added = await t.core.call('environments.add', { name: `${key} ${ns}`, namespace: ns, redis: { url: REDIS_URL }, ...input });
      if (!added.ok) throw new Error(added.error.message);
      ids[key] = added.value.id;
    }
    await t.core.startRuntimes([t.envId, ...Object.values(ids)]);
    await waitFor(() => [t.envId, ...Object.values(ids)].every((id) => t.core.runtime(id).redis?.isReady), 'connected');
    const now = Date.now();
    await new AlertStore(redis, ns, DEFAULT_ESCALATION_POLICY).ingest({ id: alertId, rule_id: 'r', timestamp: new Date(now).toISOString(), organization_id: 'o', asset_id: 'a', severity: 'high', title: 't', message: 'm', status: 'open', escalation_level: 1, notification_channels: [], metadata: { sla_deadline: new Date(now + 60_000).toISOString(), escalation_schedule: [] } } as SecurityAlert, now);
  });
  afterAll(async () => {
    await t.close();
    redis.disconnect();
    await cleanupNamespace(ns);
  });

  const ack = (envId: string) => t.core.call('alerts.act', { envId, id: alertId, expectedVersion: 1, action: 'note', reason: 'checking' });
  const purge = (envId: string) => callConfirmed(t.core, 'dlq.purge', { envId, source: `${ns}security.events.dlq`, olderThanMs: 0 });

  it('a viewer reads but changes nothing; the role is in the view', async () => {
    const view = await t.core.call('environments.list', {});
    expect(view.ok && view.value.find((e) => e.id === ids.viewer)).toMatchObject({ role: 'viewer', readOnly: true, opensReadOnly: false });
    const list = await t.core.call('alerts.list', { envId: ids.viewer, limit: 10 });
    expect(list.ok).toBe(true);
    const refused = await ack(ids.viewer);
    expect(!refused.ok && refused.error).toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringContaining('needs operator or admin') });
    const mode = await t.core.call('environments.setWriteMode', { id: ids.viewer, minutes: 5 });
    expect(!mode.ok && mode.error.code).toBe('UNAUTHORIZED');
  });

  it('an operator acts on alerts but may not purge; an admin may', async () => {
    const noted = await ack(ids.operator);
    expect(noted.ok).toBe(true);
    const refused = await purge(ids.operator);
    expect(!refused.ok && refused.error).toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringContaining('needs admin') });
    await redis.xadd(`${ns}security.events.dlq`, '*', 'data', '{}'); // a current id: an old one is past the DLQ's 7-day retention
    const done = await purge(t.envId);
    expect(done.ok && done.value.removed).toBe(1);
  });

  it('production opens read-only; write mode is explicit, shown, timed, and ends by itself', async () => {
    const before = await ack(ids.prod);
    expect(!before.ok && before.error.code).toBe('READ_ONLY');
    const on = await t.core.call('environments.setWriteMode', { id: ids.prod, minutes: 15 });
    expect(on.ok && on.value).toMatchObject({ readOnly: false, opensReadOnly: true, writableUntil: expect.any(Number) });
    const current = await t.core.call('alerts.get', { envId: ids.prod, id: alertId });
    const during = await t.core.call('alerts.act', { envId: ids.prod, id: alertId, expectedVersion: current.ok ? current.value.alert.version : 0, action: 'note', reason: 'in write mode' });
    expect(during.ok).toBe(true);
    // Sixteen minutes later the window has closed, whatever the timer did.
    const realNow = t.core.environments.now;
    t.core.environments.now = () => realNow() + 16 * 60_000;
    try {
      const after = await ack(ids.prod);
      expect(!after.ok && after.error.code).toBe('READ_ONLY');
      const view = await t.core.call('environments.list', {});
      expect(view.ok && view.value.find((e) => e.id === ids.prod)).toMatchObject({ readOnly: true, writableUntil: null });
    } finally {
      t.core.environments.now = realNow;
    }
    const off = await t.core.call('environments.setWriteMode', { id: ids.prod, minutes: 0 });
    expect(off.ok && off.value).toMatchObject({ readOnly: true, writableUntil: null });
    const local = await t.core.call('audit.local', { count: 10 });
    expect(local.ok && local.value.entries.filter((e) => e.action === 'environment.writeMode')).toHaveLength(2);
  });

  it('destructive calls need a one-time token issued after the name was typed: none, reused or foreign ones are refused', async () => {
    const source = `${ns}security.events.dlq`;
    const bare = await t.core.call('dlq.purge', { envId: t.envId, source, olderThanMs: 0, confirmToken: 'f'.repeat(32) });
    expect(!bare.ok && bare.error).toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringContaining('needs a confirmation') });
    const issued = await t.core.call('confirm.issue', { envId: t.envId, action: 'dlq.purge', target: source, typed: source });
    if (!issued.ok) throw new Error(issued.error.message);
    const foreign = await t.core.call('dlq.purge', { envId: t.envId, source: `${ns}other.dlq`, olderThanMs: 0, confirmToken: issued.value.token });
    expect(!foreign.ok && foreign.error.code).toBe('UNAUTHORIZED');
    // the mismatched use spent it
    const reused = await t.core.call('dlq.purge', { envId: t.envId, source, olderThanMs: 0, confirmToken: issued.value.token });
    expect(!reused.ok && reused.error.message).toContain('already used');
    // no token is issued for what the role or the read-only mode would refuse anyway
    const asOperator = await t.core.call('confirm.issue', { envId: ids.operator, action: 'dlq.purge', target: source, typed: source });
    expect(!asOperator.ok && asOperator.error.code).toBe('UNAUTHORIZED');
    const onProd = await t.core.call('confirm.issue', { envId: ids.prod, action: 'dlq.replay', target: source, typed: source });
    expect(!onProd.ok && onProd.error.code).toBe('READ_ONLY');
    // a replay of more than 100 ids, or all, needs one; a dry run or a few ids do not
    const ids150 = Array.from({ length: 150 }, (_, i) => `${i + 1}-0`);
    const bulk = await t.core.call('dlq.replay', { envId: t.envId, source, ids: ids150 });
    expect(!bulk.ok && bulk.error.code).toBe('UNAUTHORIZED');
    expect((await t.core.call('dlq.replay', { envId: t.envId, source, ids: ids150, dryRun: true })).ok).toBe(true);
    expect((await t.core.call('dlq.replay', { envId: t.envId, source, ids: ids150.slice(0, 100) })).ok).toBe(true);
    expect((await callConfirmed(t.core, 'dlq.replay', { envId: t.envId, source, ids: ids150 })).ok).toBe(true);
  });
});
