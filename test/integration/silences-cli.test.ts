import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertStore } from '../../electron/core/alerts/alert-store';
import { DEFAULT_ESCALATION_POLICY } from '../../shared/model/alerts';
import { REDIS_URL, deleteKeys, tempHome, uniqueNamespace } from '../helpers/brokers';
import { createTestCore, type TestCore } from '../helpers/core';
import { waitFor } from '../helpers/wait';

const run = promisify(execFile);

describe('silences: contract methods and the CLI', { timeout: 240_000 }, () => {
  const ns = uniqueNamespace('silences-cli');
  const redis = new Redis(REDIS_URL);
  const home = tempHome();
  let t: TestCore | null = null;
  let viewerId = '';
  const cli = (...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'electron/headless/cli.ts', ...args], { env: { ...process.env, WATCHFLOOR_HOME: home.dir, WATCHFLOOR_ANALYST: 'Night Shift' }, timeout: 90_000 }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  beforeAll(async () => {
    t = await createTestCore(ns, { amqp: null, managementUrl: null });
    const viewer = await t.core.call('environments.add', { name: `viewer ${ns}`, namespace: ns, redis: { url: REDIS_URL }, role: 'viewer' });
    if (!viewer.ok) throw new Error(viewer.error.message);
    viewerId = viewer.value.id;
    await t.core.startRuntimes([t.envId, viewerId]);
    await waitFor(() => [t!.envId, viewerId].every((id) => t!.core.runtime(id).redis?.isReady), 'connected');
  });
  afterAll(async () => {
    try {
      await t?.close();
    } finally {
      await deleteKeys(redis, ns);
      redis.disconnect();
      home.cleanup();
    }
  });

  it('silences.add needs an operator, is audited once on each log; list shows status, window and matches; expire is final', async () => {
    const core = t!.core;
    const now = Date.now();
    const params = { matchers: [{ field: 'asset' as const, op: 'equals' as const, value: 'db-7' }], schedule: { kind: 'once' as const, startsAt: now - 1000, endsAt: now + 3_600_000 }, reason: 'db-7 patching' };
    const refused = await core.call('silences.add', { envId: viewerId, ...params });
    expect(!refused.ok && refused.error.code).toBe('UNAUTHORIZED');

    const added = await core.call('silences.add', { envId: t!.envId, ...params });
    if (!added.ok) throw new Error(added.error.message);
    await new AlertStore(redis, ns, DEFAULT_ESCALATION_POLICY).ingest({ id: `a-${now}`, rule_id: 'r', timestamp: new Date(now).toISOString(), organization_id: 'o', asset_id: 'db-7', severity: 'high', title: 't', message: 'm', status: 'open', escalation_level: 1, notification_channels: [], metadata: { sla_deadline: new Date(now + 60_000).toISOString(), escalation_schedule: [] } } as never, now);
    const listed = await core.call('silences.list', { envId: t!.envId });
    expect(listed.ok && listed.value.silences).toMatchObject([{ id: added.value.id, status: 'active', matched: 1, window: { start: now - 1000, end: now + 3_600_000 } }]);

    const expired = await core.call('silences.expire', { envId: t!.envId, id: added.value.id, reason: 'done early' });
    expect(expired.ok && expired.value.expiredAt).toBeGreaterThan(0);
    const twice = await core.call('silences.expire', { envId: t!.envId, id: added.value.id });
    expect(!twice.ok && twice.error.code).toBe('VALIDATION');

    const team = await core.call('audit.team', { envId: t!.envId, count: 50 });
    const silenceEntries = team.ok ? team.value.filter((e) => e.what.startsWith('silence.')) : [];
    expect(silenceEntries.map((e) => e.what)).toEqual(['silence.expire', 'silence.add']);
    const local = await core.call('audit.local', { count: 50 });
    expect(local.ok && local.value.entries.filter((e) => e.action.startsWith('silence.')).map((e) => [e.action, e.reason])).toEqual([
      ['silence.expire', 'done early'],
      ['silence.add', 'db-7 patching'],
    ]);
  });

  it('watchfloor silences add / list / expire, with usage errors for bad flags', async () => {
    const added = await cli('env', 'add', '--name', 'Silences CLI', '--redis', REDIS_URL, '--namespace', ns, '--json');
    expect(added.code).toBe(0);
    const bad = await cli('silences', 'add', '--env', 'Silences CLI', '--match', 'colour=red', '--duration', '2h', '--reason', 'x');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--match takes key=value');

    const weekly = await cli('silences', 'add', '--env', 'Silences CLI', '--match', 'severity=critical|high', '--match', 'source~^kong', '--every', 'sun 02:00-04:00', '--tz', 'Europe/Berlin', '--reason', 'weekly maintenance', '--json');
    expect(weekly.code).toBe(0);
    const silence = JSON.parse(weekly.stdout);
    expect(silence).toMatchObject({
      createdBy: expect.stringContaining('Night Shift'),
      matchers: [
        { field: 'severity', op: 'in', value: ['critical', 'high'] },
        { field: 'source', op: 'regex', value: '^kong' },
      ],
      schedule: { kind: 'weekly', days: ['sun'], start: '02:00', end: '04:00', timeZone: 'Europe/Berlin' },
    });
    const oneOff = await cli('silences', 'add', '--env', 'Silences CLI', '--match', 'asset=db-9', '--duration', '2h', '--reason', 'reboot');
    expect(oneOff.code).toBe(0);
    expect(oneOff.stdout).toMatch(/^silence \S+: asset=db-9, /);

    const text = await cli('silences', 'list', '--env', 'Silences CLI');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('sun 02:00-04:00 Europe/Berlin');
    expect(text.stdout).toContain('0 (matched nothing)');

    const expired = await cli('silences', 'expire', silence.id, '--env', 'Silences CLI', '--json');
    expect(expired.code).toBe(0);
    expect(JSON.parse(expired.stdout)).toMatchObject({ id: silence.id, expiredBy: expect.stringContaining('Night Shift') });
    const list = await cli('silences', 'list', '--env', 'Silences CLI', '--json');
    const statuses = Object.fromEntries((JSON.parse(list.stdout).silences as { id: string; status: string }[]).map((s) => [s.id, s.status]));
    expect(statuses[silence.id]).toBe('expired');
  });
});
