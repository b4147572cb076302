import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { AlertStore } from '../../electron/core/alerts/alert-store';
import { DEFAULT_ESCALATION_POLICY } from '../../shared/model/alerts';
import { REDIS_URL, deleteKeys, tempHome, uniqueNamespace } from '../helpers/brokers';

const run = promisify(execFile);

// Each command is a fresh node + tsx process (several seconds each on a loaded machine).
describe('watchfloor searches, dlq search --saved, alerts list --saved', { timeout: 300_000 }, () => {
  const ns = uniqueNamespace('saved-cli');
  const redis = new Redis(REDIS_URL);
  const home = tempHome();
  const cli = (...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'electron/headless/cli.ts', ...args], { env: { ...process.env, WATCHFLOOR_HOME: home.dir, WATCHFLOOR_ANALYST: 'Night Shift' }, timeout: 90_000 }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );
  afterAll(async () => {
    try {
      await deleteKeys(redis, ns);
    } finally {
      redis.disconnect();
      home.cleanup();
    }
  });

  it('saves, lists with the last count, runs by name (recording the count), names what is saved when a name is wrong, deletes', async () => {
    const dlq = `${ns}security.scans.dlq`;
    for (let i = 0; i < 5; i++) await redis.xadd(dlq, '*', 'data', JSON.stringify({ scan: { status: i < 3 ? 'failed' : 'ok' } }), 'dlq_origin_stream', `${ns}security.scans`, 'dlq_error', `timeout after ${i} s`);
    const store = new AlertStore(redis, ns, DEFAULT_ESCALATION_POLICY);
    const now = Date.now();
    for (const [n, severity] of [[1, 'critical'], [2, 'critical'], [3, 'low']] as const)
      await store.ingest({ id: `saved-cli-${n}-${now}`, rule_id: 'r', timestamp: new Date(now).toISOString(), organization_id: 'o', asset_id: 'db-7', severity, title: `alert ${n}`, message: 'm', status: 'open', escalation_level: 1, notification_channels: [], metadata: { sla_deadline: new Date(now + 3_600_000).toISOString(), escalation_schedule: [] } } as never, now);

    expect((await cli('env', 'add', '--name', 'Saved CLI', '--redis', REDIS_URL, '--namespace', ns)).code).toBe(0);
    const bad = await cli('searches', 'save', 'x', '--env', 'Saved CLI', '--kind', 'dlq', '--severity', 'critical');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('searches save --kind dlq needs --match');

    const saved = await cli('searches', 'save', 'Failed scans', '--env', 'Saved CLI', '--kind', 'dlq', '--source', dlq, '--match', 'scan.status=failed', '--error', 'timeout', '--json');
    expect(saved.code).toBe(0);
    expect(JSON.parse(saved.stdout)).toMatchObject({ name: 'Failed scans', createdBy: expect.stringContaining('Night Shift'), query: { kind: 'dlq', source: dlq, match: { field: { path: 'scan.status', value: 'failed' }, error: 'timeout' } } });
    const again = await cli('searches', 'save', 'failed SCANS', '--env', 'Saved CLI', '--kind', 'dlq', '--text', 'x');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('[CONFLICT]: a saved search named "Failed scans" already exists');
    expect((await cli('searches', 'save', 'Criticals', '--env', 'Saved CLI', '--kind', 'alerts', '--severity', 'critical')).code).toBe(0);

    const ran = await cli('dlq', 'search', '--env', 'Saved CLI', '--saved', 'failed scans');
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain('3 matching in 5 of 5 entries');
    expect(ran.stdout).toContain('saved search "Failed scans": 3 now; last time never run');
    const alerts = await cli('alerts', 'list', '--env', 'Saved CLI', '--saved', 'Criticals', '--json');
    expect(alerts.code).toBe(0);
    expect(JSON.parse(alerts.stdout).alerts.map((a: { title: string }) => a.title).sort()).toEqual(['alert 1', 'alert 2']);

    const listed = await cli('searches', 'list', '--env', 'Saved CLI', '--json');
    const byName = Object.fromEntries((JSON.parse(listed.stdout).searches as { name: string; lastRun: unknown }[]).map((s) => [s.name, s.lastRun]));
    expect(byName).toEqual({ Criticals: expect.objectContaining({ count: 2, isComplete: true, by: expect.stringContaining('Night Shift') }), 'Failed scans': expect.objectContaining({ count: 3, isComplete: true }) });
    const text = await cli('searches', 'list', '--env', 'Saved CLI');
    expect(text.stdout).toMatch(/Failed scans\s+dlq\s+.*scan\.status=failed · error "timeout"\s+3 at /);

    const missing = await cli('dlq', 'search', '--env', 'Saved CLI', '--saved', 'failed scan');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('[NOT_FOUND]: no saved DLQ search "failed scan" in Saved CLI; saved: "Failed scans"');
    const wrongKind = await cli('dlq', 'search', '--env', 'Saved CLI', '--saved', 'Criticals');
    expect(wrongKind.stderr).toContain('"Criticals" is a saved alert search: run it with watchfloor alerts list --env "Saved CLI" --saved "Criticals"');

    expect((await cli('searches', 'delete', 'FAILED scans', '--env', 'Saved CLI')).stdout).toContain('deleted saved search "Failed scans"');
    const gone = await cli('searches', 'delete', 'Failed scans', '--env', 'Saved CLI');
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('no saved search "Failed scans" in Saved CLI; saved: "Criticals"');
    const team = (await redis.xrange(`${ns}watchfloor:audit`, '-', '+')).map(([, f]) => (JSON.parse(f[1]!) as { what: string }).what).filter((w) => w.startsWith('search.'));
    expect(team).toEqual(['search.save', 'search.save', 'search.delete']);
  });
});
