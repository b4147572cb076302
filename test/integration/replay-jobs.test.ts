import { spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { DLQ_FIELDS, REPLAY_FIELDS, REPLAY_LINEAGE_FIELD } from '../../shared/model/dead-letter';
import { parseLineage } from '../../shared/model/replay-lineage';
import { REPLAY_JOB_FIELD } from '../../shared/model/replay-jobs';
import type { ReplayJobService, JobEnvironment } from '../../electron/core/dead-letters/replay-job-service';
import { ReplayJobStore } from '../../electron/core/dead-letters/replay-job-store';
import { deleteKeys, REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { waitFor } from '../helpers/wait';
import { jobConsoles, jobFinished, testJob } from '../helpers/replay-job-consoles';

describe('replay jobs on Redis DLQ streams (issue 20)', () => {
  const ns = uniqueNamespace('replay-job');
  const redis = new Redis(REDIS_URL);
  const env: JobEnvironment & { client: Redis } = { envId: 'e', namespace: ns, payloadKey: null, client: redis, rabbit: null, bullQueue: () => null };
  const consoles = jobConsoles(() => env);
  /** A console: its own service (supervising: takes up queued and orphaned jobs). */
  const consoleNamed = consoles.named;
  const store = new ReplayJobStore(redis, ns);
  let n = 0;
  /** `count` dead letters of `origin` with payloads {n} and a binary field, the way the workers write them. */
  const fill = async (dlq: string, origin: string, count: number, extra: string[] = []) => {
    const pipeline = redis.pipeline();
    for (let i = 0; i < count; i++) pipeline.xadd(dlq, '*', 'data', JSON.stringify({ n: n++, kind: extra[1] ?? 'plain' }), 'raw', Buffer.from([0, 0xff, i % 256]), ...extra, DLQ_FIELDS.originStream, origin, DLQ_FIELDS.error, 'schema: x', DLQ_FIELDS.attempts, '3');
    await pipeline.exec();
  };
  const payloadsIn = async (stream: string) => ((await redis.xrange(stream, '-', '+')) as [string, string[]][]).map(([, f]) => (JSON.parse(f[f.indexOf('data') + 1]!) as { n: number }).n);
  const job = testJob;
  const finished = (envId: string, id: string, service: ReplayJobService) => jobFinished(service, envId, id);

  afterAll(async () => {
    await consoles.closeAll();
    await deleteKeys(redis, ns);
    redis.disconnect();
  });

  it('replays a whole DLQ: each entry once in its origin, fields byte for byte plus the lineage, refused ones left in the DLQ with the reason', async () => {
    const origin = `${ns}a`;
    const dlq = `${origin}.dlq`;
    await fill(dlq, origin, 240);
    await redis.xadd(dlq, '*', 'data', '{"n":-1}', DLQ_FIELDS.error, 'no origin'); // refused: no origin recorded
    const before = (await redis.xrangeBuffer(dlq, '-', '+', 'COUNT', 1)) as unknown as [Buffer, Buffer[]][];
    const service = consoleNamed('ana');
    const started = await service.start('e', job(dlq));
    expect(started).toMatchObject({ state: 'queued', total: 241, left: 241, createdBy: 'ana', selection: 'all' });
    const done = await finished('e', started.id, service);
    expect(done).toMatchObject({ state: 'done', done: 240, failed: 1, skipped: 0, left: 0, claims: 1 });
    expect(done.failures).toEqual([{ id: expect.any(String), reason: 'no origin stream recorded: give a target' }]);
    const moved = await payloadsIn(origin);
    expect(moved).toHaveLength(240);
    expect(new Set(moved).size).toBe(240);
    expect(await redis.xlen(dlq)).toBe(1);
    // The first entry in its origin: the original fields' bytes, the dlq_ metadata dropped, the lineage added.
    const first = ((await redis.xrangeBuffer(origin, '-', '+', 'COUNT', 1)) as unknown as [Buffer, Buffer[]][])[0]![1];
    const original = before[0]![1];
    const pairs = (f: Buffer[]) => Object.fromEntries(Array.from({ length: f.length / 2 }, (_, i) => [f[2 * i]!.toString(), f[2 * i + 1]!.toString('hex')]));
    const kept = Object.fromEntries(Object.entries(pairs(original)).filter(([k]) => !k.startsWith('dlq_')));
    const { [REPLAY_LINEAGE_FIELD]: lineage, ...rest } = pairs(first);
    expect(rest).toEqual({ ...kept, [REPLAY_FIELDS.count]: Buffer.from('1').toString('hex'), [REPLAY_FIELDS.of]: Buffer.from(`${dlq}/${before[0]![0].toString()}`).toString('hex'), [REPLAY_JOB_FIELD]: Buffer.from(started.id).toString('hex') });
    // The lineage step (issue 20): which dead letter, why, the job and who started it.
    expect(parseLineage(Buffer.from(lineage!, 'hex').toString()).steps).toEqual([expect.objectContaining({ dlqId: before[0]![0].toString(), error: 'schema: x', attempts: 3, replayedBy: 'ana', job: started.id })]);
  });

  it('replays given ids or what a search finds (oldest first), and its dry run shows targets and the first differences before anything moves', async () => {
    const origin = `${ns}b`;
    const dlq = `${origin}.dlq`;
    await fill(dlq, origin, 30);
    await fill(dlq, origin, 5, ['kind', 'special']);
    const service = consoleNamed('ben');
    const preview = await service.dryRun('e', { source: dlq, selection: { kind: 'match', match: { field: { path: 'kind', value: 'special' } } }, target: null, maxReplays: 3, force: false });
    expect(preview.total).toBe(5);
    expect(preview.outcome).toMatchObject({ dryRun: true, replayed: 5, targets: { [origin]: 5 } });
    expect(preview.differences).toHaveLength(5);
    expect(preview.differences[0]).toMatchObject({ target: origin, removed: [DLQ_FIELDS.originStream, DLQ_FIELDS.error, DLQ_FIELDS.attempts], unchanged: ['data', 'raw', 'kind'], refusal: null });
    expect(await redis.xlen(dlq)).toBe(35);
    expect(await redis.exists(origin)).toBe(0);
    const bySearch = await finished('e', (await service.start('e', job(dlq, { selection: { kind: 'match', match: { field: { path: 'kind', value: 'special' } } } }))).id, service);
    expect(bySearch).toMatchObject({ state: 'done', done: 5, total: 5, selection: 'match' });
    const ids = ((await redis.xrange(dlq, '-', '+', 'COUNT', 3)) as [string, string[]][]).map(([id]) => id);
    const byIds = await finished('e', (await service.start('e', job(dlq, { selection: { kind: 'ids', ids: [...ids, '1-1'] } }))).id, service);
    expect(byIds).toMatchObject({ state: 'done', done: 3, skipped: 1, total: 4 });
    // Oldest first within each job: the 5 special ones (the last added), then the 3 oldest.
    const firstN = (await payloadsIn(origin))[5]!;
    expect(await payloadsIn(origin)).toEqual([30, 31, 32, 33, 34, 0, 1, 2].map((k) => firstN + k));
    expect(await redis.xlen(dlq)).toBe(27);
  });

  it('honours the rate cap: at no moment more replayed than the cap allows for the time gone by', async () => {
    const origin = `${ns}c`;
    const dlq = `${origin}.dlq`;
    await fill(dlq, origin, 120);
    const service = consoleNamed('cy', { shouldSupervise: false });
    const created = await service.start('e', job(dlq, { rate: 100, batch: 20 }));
    const t0 = performance.now();
    const samples: { ms: number; replayed: number }[] = [];
    expect(await service.runHere('e', created.id, (replayed) => samples.push({ ms: performance.now() - t0, replayed }))).toBe('done');
    // The tokens of each batch are earned before it moves (catching up by one batch at most).
    expect(samples.length).toBeGreaterThanOrEqual(6);
    expect(samples[samples.length - 1]!.replayed).toBe(120);
    for (const s of samples) expect(s.replayed).toBeLessThanOrEqual((100 * s.ms) / 1000 + 20);
    expect((await service.get('e', created.id)).done).toBe(120);
  });

  it('is paused from one console and resumed by another, and a cancelled job stops between two batches', async () => {
    const origin = `${ns}d`;
    const dlq = `${origin}.dlq`;
    await fill(dlq, origin, 400);
    const first = consoleNamed('dee');
    const created = await first.start('e', job(dlq, { rate: 400, batch: 20 }));
    await waitFor(async () => (await first.get('e', created.id)).done >= 40, 'some replayed');
    const other = consoleNamed('eve', { shouldSupervise: false });
    const paused = await other.control('e', created.id, 'pause');
    expect(paused).toMatchObject({ state: 'paused', owner: null, lastAction: { action: 'pause', by: 'eve' } });
    const resumed = await other.control('e', created.id, 'resume');
    expect(resumed.state).toBe('queued');
    await expect(other.control('e', created.id, 'resume')).rejects.toMatchObject({ code: 'CONFLICT' });
    const done = await finished('e', created.id, first);
    expect(done).toMatchObject({ state: 'done', done: 400, claims: 2 });
    expect(new Set(await payloadsIn(origin)).size).toBe(400);

    await fill(dlq, origin, 300);
    const slow = await first.start('e', job(dlq, { rate: 200, batch: 10 }));
    await waitFor(async () => (await first.get('e', slow.id)).done >= 20, 'some replayed');
    const cancelled = await other.control('e', slow.id, 'cancel');
    expect(cancelled.state).toBe('cancelled');
    // A batch in flight when it was cancelled still lands, and is counted in the same script as it moves.
    const after = await first.get('e', slow.id);
    expect(after.done + (await redis.xlen(dlq))).toBe(300);
    expect(after.done).toBeLessThan(300);
    expect((await payloadsIn(origin)).length).toBe(400 + after.done);
  });

  it('kill -9 mid-job: the next console takes it up once the lease runs out, and each entry is in its origin exactly once', async () => {
    const origin = `${ns}k`;
    const dlq = `${origin}.dlq`;
    const count = 3000;
    const firstN = n;
    await fill(dlq, origin, count);
    // The consoles of the other tests would take the job up before the child does.
    await consoles.closeAll();
    const created = await store.create(job(dlq, { rate: 1500, batch: 25 }), 'killed console', Date.now());
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/replay-job-child.ts'], { env: { ...process.env, REDIS_URL, NS: ns, JOB: created.id, LEASE_MS: '1000' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (c) => (out += c));
    child.stderr!.on('data', (c) => (out += c));
    try {
      await waitFor(() => Number(/replayed (\d+)\n(?![\s\S]*replayed)/.exec(out)?.[1] ?? 0) >= 500, 'the child replayed some', 30_000).catch((error: unknown) => {
        throw new Error(`${String(error)}; child said: ${out}`);
      });
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      const killed = await store.get(created.id);
      expect(killed.state).toBe('running');
      expect(killed.done).toBeLessThan(count);
      // What the record says and what the streams hold agree at the kill: nothing counted that did not move.
      expect(killed.done).toBe(await redis.xlen(origin));
      const next = consoleNamed('next console');
      const done = await finished('e', created.id, next);
      expect(done).toMatchObject({ state: 'done', done: count, failed: 0, skipped: 0, claims: 2 });
      const moved = await payloadsIn(origin);
      expect(moved).toHaveLength(count);
      expect(new Set(moved).size).toBe(count);
      expect(Math.min(...moved)).toBe(firstN);
      expect(await redis.xlen(dlq)).toBe(0);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});
