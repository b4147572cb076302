import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createRandom, securityEvent } from '../../electron/core/demo/message-factory';
import { EventHandler } from '../../electron/core/workers/processors/event-handler';
import { parseRoutingRules } from '../../electron/core/workers/routing-rules';
import { deleteKeys, OwnRedis, REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { testConsumer } from '../helpers/stream-workers';
import { waitFor } from '../helpers/wait';

const random = createRandom(3);
const SINK_RULES = parseRoutingRules(`routing_rules:\n  everything:\n    conditions:\n      - severity IN ("critical", "high", "medium", "low", "info")\n    destinations:\n      - test.sink (all)\n`);
const fieldsOf = (flat: string[]) => Object.fromEntries(Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i], flat[2 * i + 1]]));

async function produce(redis: Redis, stream: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  const pipe = redis.pipeline();
  for (let i = 0; i < n; i++) {
    const id = randomUUID();
    ids.push(id);
    pipe.xadd(stream, '*', 'data', JSON.stringify({ ...securityEvent(random, Date.now()), id }));
  }
  await pipe.exec();
  return ids;
}

async function sinkIds(redis: Redis, ns: string): Promise<string[]> {
  return ((await redis.xrange(`${ns}test.sink`, '-', '+')) as [string, string[]][]).map(([, f]) => JSON.parse(fieldsOf(f).data!).id as string);
}

describe('workers under faults', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('a worker process killed mid-batch: its read, unacknowledged entries are reclaimed and processed by another, none lost', async () => {
    const redis = new Redis(REDIS_URL);
    const ns = uniqueNamespace('kill');
    cleanups.push(async () => {
      await deleteKeys(redis, ns);
      redis.disconnect();
    });
    const stream = `${ns}security.events`;
    const ids = await produce(redis, stream, 300);
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/worker-child.ts'], { env: { ...process.env, REDIS_URL, NS: ns, BATCH: '50' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (c) => (out += c));
    child.stderr!.on('data', (c) => (out += c));
    const held = Number(await waitFor(() => /holding (\d+)/.exec(out)?.[1], 'the child holding a batch', 30_000));
    expect(held).toBe(50);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    // The child held its batch, and possibly the next one (a full batch is read ahead).
    const pending = (await redis.xpending(stream, 'event-processors')) as [number, string, string, [string, string][]];
    expect([50, 100]).toContain(pending[0]);
    expect(pending[3]).toEqual([['doomed-host-event-1', String(pending[0])]]);

    const survivor = testConsumer({ namespace: ns, stream, group: 'event-processors', handler: new EventHandler({ namespace: ns, rules: SINK_RULES }), reclaimIdleMs: 500, consumerPrefix: 'survivor' });
    cleanups.push(() => survivor.stop());
    await survivor.start();
    await waitFor(async () => (await sinkIds(redis, ns)).length === 300, 'all 300 in the sink', 30_000);
    expect(new Set(await sinkIds(redis, ns))).toEqual(new Set(ids));
    expect(survivor.status().counters.reclaimed).toBe(pending[0]);
    expect(((await redis.xpending(stream, 'event-processors')) as [number])[0]).toBe(0);
  });

  it('Redis killed and restarted under a running worker: it shows failing, resumes by itself, and every event is processed once', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wf-worker-fault-'));
    const args = ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir];
    let server = await OwnRedis.start(args);
    cleanups.push(async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    const url = `redis://127.0.0.1:${server.port}`;
    const redis = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: () => 100 });
    redis.on('error', () => undefined);
    cleanups.push(() => redis.disconnect());
    const ns = uniqueNamespace('down');
    const stream = `${ns}security.events`;
    const worker = testConsumer({ namespace: ns, stream, group: 'event-processors', handler: new EventHandler({ namespace: ns, rules: SINK_RULES }), url, settings: { concurrency: 2, batch: 50 } });
    cleanups.push(() => worker.stop());
    await worker.start();
    const first = await produce(redis, stream, 1000);
    await waitFor(() => worker.status().counters.processed >= 200, 'some processed');
    server.kill();
    await waitFor(() => worker.status().state === 'failing', 'the worker shows failing', 15_000);
    expect(worker.status().lastError?.message).toMatch(/Redis/);
    server = new OwnRedis(server.port, args);
    await server.start();
    const second = await produce(redis, stream, 500);
    await waitFor(async () => (await sinkIds(redis, ns)).length >= 1500 && worker.status().state === 'running', 'all 1,500 processed after the restart', 60_000);
    const sink = await sinkIds(redis, ns);
    expect(sink).toHaveLength(1500);
    expect(new Set(sink)).toEqual(new Set([...first, ...second]));
  });
});
