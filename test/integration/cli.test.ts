import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import amqp from 'amqplib';
import { Queue } from 'bullmq';
import { waitFor } from '../helpers/wait';
import { AlertStore } from '../../electron/core/alerts/alert-store';
import { DEFAULT_ESCALATION_POLICY } from '../../shared/model/alerts';
import { AMQP_URL, MANAGEMENT_URL, REDIS_URL, deleteKeys, freePort, tempHome, uniqueNamespace } from '../helpers/brokers';

const run = promisify(execFile);

// Each command is a fresh node + tsx process; on a loaded two-core machine one test's several commands can pass 60 s.
describe('watchfloor CLI', { timeout: 180_000 }, () => {
  const home = tempHome();
  const ns = uniqueNamespace('cli');
  const redis = new Redis(REDIS_URL);
  const cli = (...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'electron/headless/cli.ts', ...args], { env: { ...process.env, WATCHFLOOR_HOME: home.dir, WATCHFLOOR_ANALYST: 'Night Shift' }, timeout: 60_000 }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  beforeAll(async () => {
    await redis.xadd(`${ns}security.events`, '*', 'data', '{}');
    await redis.xgroup('CREATE', `${ns}security.events`, 'event-processors', '0');
  });
  afterAll(async () => {
    // Everything the commands wrote under the namespace (streams, alerts, notifications, watchfloor:* state).
    await deleteKeys(redis, ns);
    redis.disconnect();
    home.cleanup();
  });

  it('env add refuses a bad URL with a clear message and exit code 1', async () => {
    const result = await cli('env', 'add', '--name', 'Bad', '--redis', 'http://nope');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('unknown scheme "http:"');
  });

  it('env add / list / streams --json show the environment and its streams with lag and pending', async () => {
    const added = await cli('env', 'add', '--name', 'CLI Test', '--redis', REDIS_URL, '--amqp', 'amqp://guest:guest@127.0.0.1:5672', '--management', MANAGEMENT_URL, '--namespace', ns, '--json');
    expect(added.code).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ name: 'CLI Test', amqp: { url: 'amqp://guest@127.0.0.1:5672', hasPassword: true } });
    const list = await cli('env', 'list', '--json');
    expect(JSON.parse(list.stdout).map((e: { name: string }) => e.name)).toEqual(['Local', 'CLI Test']);
    const streams = await cli('streams', '--env', 'cli test', '--json');
    expect(streams.code).toBe(0);
    const body = JSON.parse(streams.stdout);
    expect(body.redis.status.state).toBe('connected');
    expect(body.redis.streams).toHaveLength(1);
    expect(body.redis.streams[0]).toMatchObject({
      name: `${ns}security.events`,
      length: 1,
      isDeadLetter: false,
      bullQueue: null,
      groups: [{ name: 'event-processors', consumers: 0, pending: 0, lag: 1, lastDeliveredId: '0-0' }],
    });
  });

  it('streams --json gives per group lag, pending, oldest pending, consumers and rates', async () => {
    const stream = `${ns}security.alerts`;
    for (let i = 0; i < 3; i++) await redis.xadd(stream, '*', 'data', '{}');
    await redis.xgroup('CREATE', stream, 'alert-manager', '0');
    await redis.xreadgroup('GROUP', 'alert-manager', 'worker-1', 'COUNT', 2, 'STREAMS', stream, '>');
    const result = await cli('streams', '--env', 'CLI Test', '--json');
    expect(result.code).toBe(0);
    const alerts = JSON.parse(result.stdout).redis.streams.find((s: { name: string }) => s.name === stream);
    expect(alerts).toMatchObject({ length: 3, addRate: 0, groups: [{ name: 'alert-manager', lag: 1, pending: 2, consumers: 1, readRate: 0 }] });
    expect(alerts.groups[0].consumerList).toMatchObject([{ name: 'worker-1', pending: 2 }]);
    expect(alerts.groups[0].oldestPendingMs).toBeGreaterThanOrEqual(0);
    const text = await cli('streams', '--env', 'CLI Test');
    expect(text.stdout).toMatch(/alert-manager\s+1\s+2\s+\S+\s+0\.0\s+1/);
  });

  it('entries prints a stream\'s entries with their fields, newest first, pages on with --after, and refuses a bad --from', async () => {
    const stream = `${ns}cli.entries`;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await redis.xadd(stream, '*', 'data', `{"n":${i}}`, 'bin', Buffer.from([0xff, i])))!);
    const text = await cli('entries', '--env', 'CLI Test', '--stream', stream, '--count', '2');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`${stream}: 3 entries, newest first, 2 shown`);
    expect(text.stdout).toContain('  data = {"n":2}');
    // Binary under the default masking: the hex is withheld, and said to be (not labelled as hex).
    expect(text.stdout).toContain('  bin = ••• masked (binary payload)  (binary, 2 B: its hex is withheld while this environment masks fields)');
    expect(text.stdout).toContain(`more: --after ${ids[1]}`);
    const rest = await cli('entries', '--env', 'CLI Test', '--stream', stream, '--after', ids[1]!, '--json');
    expect(JSON.parse(rest.stdout).entries.map((e: { id: string }) => e.id)).toEqual([ids[0]]);
    const bad = await cli('entries', '--env', 'CLI Test', '--stream', stream, '--from', 'soon');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not an entry id');
    const gone = await cli('entries', '--env', 'CLI Test', '--stream', `${ns}cli.none`);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('no stream');
  });

  it('queues --json prints the RabbitMQ queues with rates and their source, and the BullMQ queues with their counts', async () => {
    const connection = await amqp.connect(AMQP_URL);
    const queue = `${ns}cli-q`;
    const bull = new Queue('ingress-events', { connection: { host: '127.0.0.1', port: Number(new URL(REDIS_URL).port || 6379) }, prefix: `${ns}bull` });
    try {
      await bull.add('process-webhook', { provider: 'github' });
      await bull.add('process-webhook', { provider: 'github' }, { delay: 3_600_000 });
      await bull.pause();
      const channel = await connection.createChannel();
      await channel.assertQueue(queue, { durable: false });
      for (let i = 0; i < 4; i++) channel.sendToQueue(queue, Buffer.from(String(i)));
      // The management API's counts lag by RabbitMQ's stats interval (~5 s): wait until it shows them.
      await waitFor(async () => {
        const response = await fetch(`${MANAGEMENT_URL}/api/queues/%2F/${encodeURIComponent(queue)}`, {
          headers: { authorization: `Basic ${Buffer.from('guest:guest').toString('base64')}` },
        });
        return response.ok && ((await response.json()) as { messages_ready?: number }).messages_ready === 4;
      }, 'management API to count 4 ready', 30_000);
      const result = await cli('queues', '--env', 'CLI Test', '--json');
      expect(result.code).toBe(0);
      const body = JSON.parse(result.stdout);
      expect(body).toMatchObject({ env: 'CLI Test', rabbitmq: { source: 'management', status: { state: 'connected' } } });
      expect(body.bullmq).toMatchObject({ prefix: `${ns}bull`, truncated: false, status: { state: 'connected' } });
      expect(body.bullmq.queues).toEqual([expect.objectContaining({ name: 'ingress-events', waiting: 1, delayed: 1, failed: 0, isPaused: true })]);
      const row = body.rabbitmq.queues.find((q: { name: string }) => q.name === queue);
      expect(row).toMatchObject({ ready: 4, unacked: 0, consumers: 0, isDeadLetter: false });
      for (const key of ['publishRate', 'deliverRate', 'ackRate']) expect(row).toHaveProperty(key);
      const text = await cli('queues', '--env', 'CLI Test');
      expect(text.stdout).toContain('PUBLISH/S');
      expect(text.stdout).toMatch(new RegExp(`${queue.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s+4\\s+0\\s+0`));
      expect(text.stdout).toMatch(/ingress-events\s+1\s+0\s+1\s+0\s+0\s+0\s+paused/);
      await channel.deleteQueue(queue);
    } finally {
      await bull.obliterate({ force: true }).catch(() => undefined);
      await bull.close();
      await connection.close();
    }
  });

  it('queues exits non-zero with a clear line when the environment is unknown or RabbitMQ is down', async () => {
    const unknown = await cli('queues', '--env', 'Nowhere', '--json');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no environment named "Nowhere"/);
    const port = await freePort();
    expect((await cli('env', 'add', '--name', 'Down', '--amqp', `amqp://guest:guest@127.0.0.1:${port}`)).code).toBe(0);
    const down = await cli('queues', '--env', 'Down', '--json');
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('RabbitMQ of Down is down');
    expect(JSON.parse(down.stdout).rabbitmq.status.state).toBe('disconnected');
  });

  it('dlq list / replay: browse as JSON, refuse without --yes, dry-run, then replay to the origin', async () => {
    const dlq = `${ns}security.events.dlq`;
    const origin = `${ns}security.events`;
    await redis.xadd(dlq, '*', 'data', '{"event_id":"cli-1"}', 'dlq_origin_stream', origin, 'dlq_error', 'schema: bad', 'dlq_attempts', '3');
    const listed = await cli('dlq', 'list', '--env', 'CLI Test', '--source', dlq, '--json');
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout).entries[0]).toMatchObject({ originStream: origin, error: 'schema: bad', attempts: 3, payload: { preview: '{"event_id":"cli-1"}' } });
    const refused = await cli('dlq', 'replay', '--env', 'CLI Test', '--source', dlq, '--all');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('add --yes');
    const dry = await cli('dlq', 'replay', '--env', 'CLI Test', '--source', dlq, '--all', '--dry-run', '--json');
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, replayed: 1 });
    // The text form carries the dry run's verdict, in the replay dialog's words: this payload lacks the seed's fields.
    const dryText = await cli('dlq', 'replay', '--env', 'CLI Test', '--source', dlq, '--all', '--dry-run');
    expect(dryText.stdout).toContain('would replay 1 of 1');
    expect(dryText.stdout).toMatch(/^check: 1 would fail again \(.+\)$/m);
    const before = await redis.xlen(origin);
    const done = await cli('dlq', 'replay', '--env', 'CLI Test', '--source', dlq, '--all', '--yes');
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('replayed 1 of 1');
    expect(await redis.xlen(origin)).toBe(before + 1);
    expect(await redis.xlen(dlq)).toBe(0);
  });

  it('dlq replay (above) and purge from a runbook leave their entries in the local log (the dry run none) and the team stream', async () => {
    const dlq = `${ns}security.events.dlq`;
    const origin = `${ns}security.events`;
    for (let i = 0; i < 5; i++) await redis.xadd(dlq, '*', 'data', `{"event_id":"old-${i}"}`, 'dlq_origin_stream', origin);
    const purged = await cli('dlq', 'purge', '--env', 'CLI Test', '--source', dlq, '--older-than-hours', '0', '--yes', '--json');
    expect(purged.code).toBe(0);
    expect(JSON.parse(purged.stdout)).toMatchObject({ removed: 5 });
    const local = JSON.parse((await cli('audit', '--local', '--json')).stdout) as { entries: { action: string; target: string; after: unknown }[]; verification: { ok: boolean } };
    expect(local.verification.ok).toBe(true);
    expect(local.entries.filter((e) => e.action.startsWith('dlq.'))).toEqual([
      expect.objectContaining({ action: 'dlq.purge', target: dlq, after: expect.objectContaining({ count: 5, length: 0 }) }),
      expect.objectContaining({ action: 'dlq.replay', target: dlq, after: expect.objectContaining({ count: 1, selection: 'all' }) }),
    ]);
    const team = JSON.parse((await cli('audit', '--env', 'CLI Test', '--json')).stdout) as { what: string; count?: number; who: string }[];
    expect(team.filter((e) => e.what.startsWith('dlq.'))).toEqual([
      expect.objectContaining({ what: 'dlq.purge', count: 5, who: expect.stringMatching(/^Night Shift \(/) }),
      expect.objectContaining({ what: 'dlq.replay', count: 1 }),
    ]);
    await redis.del(dlq);
  });

  it('dlq search / groups / export / import: find by a field, see what failed, move dead letters between DLQs as JSON lines', async () => {
    const dlq = `${ns}security.scans.dlq`;
    const other = `${ns}imported.dlq`;
    for (let i = 0; i < 4; i++) await redis.xadd(dlq, '*', 'data', JSON.stringify({ scan: { status: i < 2 ? 'failed' : 'ok' } }), 'dlq_origin_stream', `${ns}security.scans`, 'dlq_error', `timeout after ${i} s`);
    const found = await cli('dlq', 'search', '--env', 'CLI Test', '--source', dlq, '--match', 'scan.status=failed', '--json');
    expect(found.code).toBe(0);
    expect(JSON.parse(found.stdout)).toMatchObject({ scanned: 4, total: 4, matches: [expect.any(Object), expect.any(Object)] });
    const groups = await cli('dlq', 'groups', '--env', 'CLI Test', '--source', dlq);
    expect(groups.stdout).toMatch(/4\s+timeout after <n> s/);
    const file = `${home.dir}/export.jsonl`;
    const exported = await cli('dlq', 'export', '--env', 'CLI Test', '--source', dlq, '--match', 'scan.status=failed', '--out', file);
    expect(exported.stderr).toContain(`exported 2 dead letters to ${file}`);
    const refused = await cli('dlq', 'import', '--env', 'CLI Test', '--source', other, '--in', file);
    expect(refused.code).toBe(2);
    const imported = await cli('dlq', 'import', '--env', 'CLI Test', '--source', other, '--in', file, '--yes');
    expect(imported.stdout).toContain(`imported 2 into ${other}`);
    expect(await redis.xlen(other)).toBe(2);
    await redis.del(dlq, other);
  });

  it('alerts list / ack / resolve and audit: triage from a script, with the analyst recorded and the local log verified', async () => {
    const store = new AlertStore(redis, ns, DEFAULT_ESCALATION_POLICY);
    const id = `cli-alert-${Date.now()}`;
    const now = Date.now();
    await store.ingest(
      { id, rule_id: 'r-1', timestamp: new Date(now).toISOString(), organization_id: 'org', asset_id: 'asset', severity: 'critical', title: 'aws: root login breach', message: 'm', status: 'open', escalation_level: 1, notification_channels: ['slack'], metadata: { sla_deadline: new Date(now + 900_000).toISOString(), escalation_schedule: [] } },
      now,
    );
    const listed = await cli('alerts', 'list', '--env', 'CLI Test', '--status', 'open', '--json');
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout).alerts).toContainEqual(expect.objectContaining({ id, status: 'open', severity: 'critical', version: 1 }));
    const text = await cli('alerts', 'list', '--env', 'CLI Test');
    expect(text.stdout).toMatch(new RegExp(`${id}\\s+critical\\s+open\\s+1\\s+1[45] min left`));
    // Grouped into incidents: the alert is one of one, keyed by its rule, asset and type.
    const grouped = JSON.parse((await cli('alerts', 'list', '--env', 'CLI Test', '--group', 'rule,asset,title', '--json')).stdout) as { groups: { key: unknown; count: number; open: number; ids: string[] }[] };
    expect(grouped.groups.find((g) => g.ids.includes(id))).toMatchObject({ key: { rule: 'r-1', asset: 'asset', title: 'aws: root login breach' }, count: 1, open: 1 });
    const badGroup = await cli('alerts', 'list', '--env', 'CLI Test', '--group', 'colour');
    expect(badGroup.code).toBe(2);
    expect(badGroup.stderr).toContain('--group takes rule, asset, title, source, organization (not colour)');
    const acked = await cli('alerts', 'ack', id, '--env', 'CLI Test', '--json');
    expect(acked.code).toBe(0);
    expect(JSON.parse(acked.stdout)).toMatchObject({ status: 'acknowledged', version: 2, updatedBy: expect.stringMatching(/^Night Shift \(/) });
    const noReason = await cli('alerts', 'resolve', id, '--env', 'CLI Test', '--false-positive');
    expect(noReason.code).toBe(1);
    expect(noReason.stderr).toContain('false positive needs a reason');
    const resolved = await cli('alerts', 'resolve', id, '--env', 'CLI Test', '--false-positive', '--reason', 'test account');
    expect(resolved.stdout).toContain(`${id}: resolved, level 1 (version 3`);
    const shown = await cli('alerts', 'show', id, '--env', 'CLI Test');
    expect(shown.stdout).toMatch(/resolved\s+Night Shift \(.+\) — false positive: test account/);
    const team = await cli('audit', '--env', 'CLI Test', '--csv');
    expect(team.stdout.split('\n')[0]).toBe('at,who,what,alertId,reason,before,after');
    expect(team.stdout).toContain(',resolve,' + id + ',test account,');
    const local = await cli('audit', '--local', '--json');
    const parsed = JSON.parse(local.stdout) as { entries: { action: string }[]; verification: { ok: boolean } };
    expect(parsed.verification.ok).toBe(true);
    expect(parsed.entries.map((e) => e.action).filter((a) => a.startsWith('alert.'))).toEqual(['alert.resolve', 'alert.ack']);
  });

  it('names an unknown environment and lists the known ones', async () => {
    const result = await cli('streams', '--env', 'Nowhere');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no environment named "Nowhere" \(known: Local/);
  });
});
