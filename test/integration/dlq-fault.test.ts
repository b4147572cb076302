import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { replayAll } from '../../electron/core/dead-letters/redis-dlq';
import { DLQ_FIELDS, REPLAY_FIELDS } from '../../shared/model/dead-letter';
import { OwnRedis } from '../helpers/brokers';
import { waitFor } from '../helpers/wait';

/**
 * kill -9 of Redis in the middle of a bulk replay of 100,000 dead letters (a redis-server of the
 * test's own, AOF with fsync always): after the restart every original is either still in the DLQ
 * or in the target, marked with where it came from — none missing; duplicates counted.
 */
describe('bulk replay survives kill -9 of Redis', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wf-dlq-fault-'));
  const args = ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir];
  let server: OwnRedis | undefined;
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every one of 100,000 dead letters is in the DLQ or in the target after the crash, none lost', async () => {
    server = await OwnRedis.start(args);
    const port = server.port;
    const dlq = 'fault.security.events.dlq';
    const origin = 'fault.security.events';
    const seed = new Redis({ port, host: '127.0.0.1' });
    const N = 100_000;
    for (let i = 0; i < N; i += 5000) {
      const pipe = seed.pipeline();
      for (let j = i; j < i + 5000; j++) pipe.xadd(dlq, `${j + 1}-0`, 'data', `{"n":${j}}`, DLQ_FIELDS.originStream, origin, DLQ_FIELDS.error, 'boom');
      await pipe.exec();
    }
    seed.disconnect();

    const client = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    let done = 0;
    const running = replayAll(client, dlq, { target: null, maxReplays: 3, force: false, dryRun: false, onBatch: (n) => (done = n) }).catch((error: Error) => error);
    await waitFor(() => (done >= 20_000 ? true : undefined), '20,000 replayed', 60_000);
    server.kill();
    const outcome = await running;
    expect(outcome).toBeInstanceOf(Error);
    client.disconnect();

    server = new OwnRedis(port, args);
    await server.start();
    const check = new Redis({ port, host: '127.0.0.1' });
    const left = new Set<number>();
    for (const [id] of (await check.xrange(dlq, '-', '+')) as [string, string[]][]) left.add(Number(id.split('-')[0]));
    const replayed = new Map<number, number>();
    let cursor = '-';
    for (;;) {
      const page = (await check.xrange(origin, cursor, '+', 'COUNT', 10_000)) as [string, string[]][];
      for (const [, fields] of page) {
        const of = fields[fields.indexOf(REPLAY_FIELDS.of) + 1]!;
        const n = Number(of.slice(of.lastIndexOf('/') + 1).split('-')[0]);
        replayed.set(n, (replayed.get(n) ?? 0) + 1);
      }
      if (page.length < 10_000) break;
      cursor = `(${page[page.length - 1]![0]}`;
    }
    check.disconnect();
    const missing = Array.from({ length: N }, (_, i) => i + 1).filter((n) => !left.has(n) && !replayed.has(n));
    const duplicates = [...replayed].filter(([n, count]) => count > 1 || left.has(n)).length;
    expect(missing).toEqual([]);
    expect(duplicates).toBe(0);
    expect(replayed.size).toBeGreaterThanOrEqual(20_000);
    expect(left.size + replayed.size).toBe(N);
  }, 180_000);
});
