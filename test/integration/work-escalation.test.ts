import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertKeys, DEFAULT_SEVERITY_POLICY, type AlertState, type EscalationPolicy } from '../../shared/model/alerts';
import { deleteKeys, REDIS_URL, tempHome, uniqueNamespace } from '../helpers/brokers';
import { waitFor } from '../helpers/wait';
import { cliIn, WorkProcess } from '../helpers/work-process';

/**
 * A server-only deployment: three `watchfloor work` processes, no console anywhere. An alert on
 * `security.alerts` is created by their alert processors and escalated by their escalation
 * engines under a shortened shared policy: levels 2 and 3 each fire, and each exactly once, though
 * three engines race for every due item.
 */
describe('watchfloor work escalates without a console', () => {
  const home = tempHome();
  const ns = uniqueNamespace('workesc');
  const keys = alertKeys(ns);
  const redis = new Redis(REDIS_URL);
  const cli = cliIn(home.dir);
  const workers: WorkProcess[] = [];

  beforeAll(async () => {
    expect((await cli('env', 'add', '--name', 'Server', '--redis', REDIS_URL, '--namespace', ns)).code).toBe(0);
    const policy: EscalationPolicy = { default: { ...DEFAULT_SEVERITY_POLICY, ackWithinMs: 2000, resolveWithinMs: 4000 }, bySeverity: {} };
    const file = path.join(home.dir, 'policy.json');
    writeFileSync(file, JSON.stringify(policy));
    expect((await cli('alerts', 'policy', '--env', 'Server', '--set', file)).code).toBe(0);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await deleteKeys(redis, ns);
    redis.disconnect();
    home.cleanup();
  });

  it('fires level 2 and level 3 once each, across three work processes', async () => {
    for (let i = 0; i < 3; i++) workers.push(new WorkProcess(home.dir, ['--env', 'Server', '--only', 'alert,escalation', '--every-seconds', '60']));
    await Promise.all(workers.map((w) => w.started()));
    for (const w of workers) expect(w.stdout).toMatch(/Workers on Server \(alert, escalation\)/);
    // The alert processors' group exists before the alert is written (it may start at the stream's end).
    await waitFor(async () => ((await redis.xinfo('GROUPS', `${ns}security.alerts`)) as unknown[][]).length > 0, 'the alert-manager group');

    const id = `srv-${Date.now()}`;
    const now = Date.now();
    const alert = {
      id, rule_id: 'r-server', timestamp: new Date(now).toISOString(), organization_id: 'org', asset_id: 'kong-admin', severity: 'critical',
      title: 'Kong Admin API exposed', message: 'no auth', status: 'open', escalation_level: 1, notification_channels: ['slack', 'email'],
      metadata: { sla_deadline: new Date(now + 3_600_000).toISOString(), escalation_schedule: ['security_team', 'devops_lead', 'cto'] },
    };
    await redis.xadd(`${ns}security.alerts`, '*', 'data', JSON.stringify(alert));

    const state = await waitFor(async () => {
      const json = await redis.hget(keys.alert(id), 'json');
      const parsed = json ? (JSON.parse(json) as AlertState) : null;
      return parsed?.level === 3 ? parsed : null;
    }, 'the alert to reach level 3', 60_000);
    // Nothing is left to fire: the due set holds no member of this alert.
    expect(await redis.zscore(keys.due, `${id}:2`)).toBeNull();
    expect(await redis.zscore(keys.due, `${id}:3`)).toBeNull();

    const notifications = (await redis.xrange(keys.notificationsStream, '-', '+')).map(([, fields]) => JSON.parse(fields[1]!) as { dedup_key: string; level: number });
    const mine = notifications.filter((n) => n.dedup_key.startsWith(`${id}:`)).map((n) => n.dedup_key).sort();
    expect(mine).toEqual([`${id}:L1`, `${id}:L2`, `${id}:L3`]);
    expect(state.timeline.filter((e) => e.what === 'escalated').map((e) => e.detail)).toEqual(['level 2', 'level 3']);
    const audit = (await redis.xrange(keys.audit, '-', '+')).map(([, fields]) => JSON.parse(fields[1]!) as { what: string; alertId: string }).filter((e) => e.alertId === id);
    expect(audit.map((e) => e.what)).toEqual(['created', 'escalate L2', 'escalate L3']);

    // Each process lists the engine as a running processor, and a stopped one exits cleanly.
    const view = JSON.parse((await cli('work', '--env', 'Server', '--only', 'escalation', '--json', '--duration', '1')).stdout.trim().split('\n').pop()!) as { processors: { name: string; title: string }[] };
    expect(view.processors.map((p) => p.name)).toContain('escalation');
    expect(await workers[0]!.stop()).toBe(0);
  }, 180_000);
});
