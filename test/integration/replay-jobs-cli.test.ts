import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DLQ_FIELDS } from '../../shared/model/dead-letter';
import type { ReplayJob } from '../../shared/model/replay-jobs';
import { AMQP_URL, REDIS_URL, deleteKeys, tempHome, uniqueNamespace } from '../helpers/brokers';
import { createTestCore, type TestCore } from '../helpers/core';
import { cliIn } from '../helpers/work-process';
import { waitFor } from '../helpers/wait';

describe('replay jobs: contract methods and the CLI (issue 20)', { timeout: 240_000 }, () => {
  const ns = uniqueNamespace('replay-jobs-cli');
  const cliNs = uniqueNamespace('replay-jobs-cli2');
  const redis = new Redis(REDIS_URL);
  const home = tempHome();
  const cli = cliIn(home.dir, { WATCHFLOOR_ANALYST: 'Night Shift' });
  let t: TestCore | null = null;
  let viewerId = '';
  const fill = async (dlq: string, origin: string, count: number) => {
    const pipeline = redis.pipeline();
    for (let i = 0; i < count; i++) pipeline.xadd(dlq, '*', 'data', JSON.stringify({ i }), DLQ_FIELDS.originStream, origin, DLQ_FIELDS.error, 'schema: x');
    await pipeline.exec();
  };

  beforeAll(async () => {
    t = await createTestCore(ns, { amqp: null, managementUrl: null }, { replayJobOptions: { shouldSupervise: true, pollMs: 100 } });
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
      await deleteKeys(redis, cliNs);
      redis.disconnect();
      home.cleanup();
    }
  });

  it('start needs an operator and the typed confirmation for a bulk job; the console takes it up; pause / cancel are audited', async () => {
    const core = t!.core;
    const dlq = `${ns}a.dlq`;
    await fill(dlq, `${ns}a`, 50);
    const params = { source: dlq, selection: { kind: 'all' as const }, rate: 1000, batch: 10 };
    const refused = await core.call('replays.start', { envId: viewerId, ...params });
    expect(!refused.ok && refused.error.code).toBe('UNAUTHORIZED');
    const unconfirmed = await core.call('replays.start', { envId: t!.envId, ...params });
    expect(unconfirmed.ok).toBe(false);
    const dry = await core.call('replays.dryRun', { envId: viewerId, source: dlq, selection: { kind: 'all' } });
    expect(dry.ok && dry.value).toMatchObject({ total: 50, outcome: { replayed: 50 } });
    const issued = await core.call('confirm.issue', { envId: t!.envId, action: 'dlq.replay', target: dlq, typed: dlq });
    if (!issued.ok) throw new Error(issued.error.message);
    const started = await core.call('replays.start', { envId: t!.envId, ...params, confirmToken: issued.value.token });
    if (!started.ok) throw new Error(started.error.message);
    const done = await waitFor(async () => {
      const r = await core.call('replays.get', { envId: t!.envId, id: started.value.id });
      return r.ok && r.value.state === 'done' ? r.value : null;
    }, 'job done');
    expect(done).toMatchObject({ done: 50, left: 0, claims: 1 });
    expect(await redis.xlen(`${ns}a`)).toBe(50);
    const cancelDone = await core.call('replays.cancel', { envId: t!.envId, id: started.value.id });
    expect(!cancelDone.ok && cancelDone.error.code).toBe('CONFLICT');
    const team = (await redis.xrange(`${ns}watchfloor:audit`, '-', '+')).map(([, f]) => f.join(' '));
    expect(team.some((line) => line.includes('replays.start') && line.includes(dlq))).toBe(true);
    const listed = await core.call('replays.list', { envId: viewerId });
    expect(listed.ok && listed.value.jobs.map((j) => j.id)).toContain(started.value.id);
  });

  it('watchfloor dlq replay --job: a dry run with the first differences, a capped job run here, replay-jobs list / pause / resume / cancel', async () => {
    const added = await cli('env', 'add', '--name', 'Jobs CLI', '--redis', REDIS_URL, '--namespace', cliNs, '--json');
    expect(added.code).toBe(0);
    const dlq = `${cliNs}b.dlq`;
    await fill(dlq, `${cliNs}b`, 60);
    const dry = await cli('dlq', 'replay', '--env', 'Jobs CLI', '--source', dlq, '--all', '--job', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('a job would cover 60 entries');
    expect(dry.stdout).toMatch(/drops dlq_origin_stream, dlq_error; adds replay_count=1, replay_of=.*b\.dlq\/\d+-\d+, replay_job=\(this job\), replay_lineage \(1 step, this replay last\); 1 fields byte for byte/);
    const noYes = await cli('dlq', 'replay', '--env', 'Jobs CLI', '--source', dlq, '--all', '--job');
    expect(noYes.code).toBe(2);
    const run = await cli('dlq', 'replay', '--env', 'Jobs CLI', '--source', dlq, '--all', '--job', '--rate', '400', '--batch', '20', '--yes', '--json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout) as ReplayJob).toMatchObject({ state: 'done', done: 60, rate: 400, batch: 20, createdBy: expect.stringContaining('Night Shift') });
    expect(await redis.xlen(`${cliNs}b`)).toBe(60);

    await fill(dlq, `${cliNs}b`, 30);
    const detached = await cli('dlq', 'replay', '--env', 'Jobs CLI', '--source', dlq, '--all', '--job', '--detach', '--yes', '--json');
    const id = (JSON.parse(detached.stdout) as ReplayJob).id;
    expect((await cli('replay-jobs', 'pause', id, '--env', 'Jobs CLI')).code).toBe(0);
    const list = await cli('replay-jobs', 'list', '--env', 'Jobs CLI');
    expect(list.stdout).toContain(`${id}  ${dlq}  all  no cap  by Night Shift`);
    expect(list.stdout).toContain('paused · 0 of 30 replayed · 0 refused · 30 left');
    const resumed = await cli('replay-jobs', 'resume', id, '--env', 'Jobs CLI', '--json');
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout) as ReplayJob).toMatchObject({ state: 'done', done: 30, lastAction: { action: 'resume' } });
    const again = await cli('replay-jobs', 'cancel', id, '--env', 'Jobs CLI');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('[CONFLICT]: cannot cancel a job that is done');
  });

  it('watchfloor dlq replay --job --broker rabbitmq: a dry run of the first N, then the job run here; a one-shot RabbitMQ replay is told to use --job', async () => {
    const connection = await amqp.connect(AMQP_URL);
    const ch = await connection.createChannel();
    const origin = `${cliNs}rq`;
    const dlq = `${origin}.dlq`;
    try {
      const added = await cli('env', 'add', '--name', 'Jobs Rabbit', '--redis', REDIS_URL, '--amqp', AMQP_URL, '--namespace', cliNs, '--json');
      expect(added.code).toBe(0);
      for (const q of [origin, dlq]) await ch.assertQueue(q, { durable: false });
      for (let i = 0; i < 8; i++) ch.sendToQueue(dlq, Buffer.from(JSON.stringify({ i })), { messageId: `r-${i}`, headers: { 'x-death': [{ queue: origin, reason: 'rejected', count: 1, exchange: '', 'routing-keys': [origin] }] } });
      await waitFor(async () => ((await ch.checkQueue(dlq)).messageCount === 8 ? true : undefined), '8 dead letters');
      const dry = await cli('dlq', 'replay', '--env', 'Jobs Rabbit', '--broker', 'rabbitmq', '--source', dlq, '--count', '5', '--job', '--dry-run');
      expect(dry.code).toBe(0);
      expect(dry.stdout).toContain(`a job would cover 5 entries of ${dlq}`);
      expect(dry.stdout).toMatch(/r-0 → .*rq: drops x-death; adds x-replay-count=1, x-replay-of=.*rq\.dlq/);
      const oneShot = await cli('dlq', 'replay', '--env', 'Jobs Rabbit', '--broker', 'rabbitmq', '--source', dlq, '--all', '--yes');
      expect(oneShot.code).toBe(2);
      expect(oneShot.stderr).toContain('runs as a job: add --job');
      const run = await cli('dlq', 'replay', '--env', 'Jobs Rabbit', '--broker', 'rabbitmq', '--source', dlq, '--count', '5', '--job', '--yes', '--json');
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout) as ReplayJob).toMatchObject({ broker: 'rabbitmq', state: 'done', done: 5, total: 5, selection: 'count' });
      expect((await ch.checkQueue(origin)).messageCount).toBe(5);
      expect((await ch.checkQueue(dlq)).messageCount).toBe(3);
      const list = await cli('replay-jobs', 'list', '--env', 'Jobs Rabbit');
      expect(list.stdout).toContain(`RabbitMQ ${dlq}  count`);
    } finally {
      for (const q of [origin, dlq]) await ch.deleteQueue(q).catch(() => undefined);
      await connection.close();
    }
  });
});
