import { performance } from 'node:perf_hooks';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { BullMonitor } from '../../electron/core/monitor/bull-monitor';
import { RedisConnection } from '../../electron/core/brokers/redis/redis-connection';
import { systemClock, type Logger } from '../../electron/core/ports';
import { Redactor } from '../../electron/core/redaction';
import { REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { round, summarize } from './stats';

const QUEUES = 200;
const TICKS = 40;
/** What the raw pipeline reads per queue: the same counts, the paused flag and the existence check. */
const RAW_COMMANDS_PER_QUEUE = 9;

const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Counts the commands a client sends (pipelined ones included: ioredis sends each through sendCommand). */
function countCommands(client: Redis): () => number {
  let commands = 0;
  const send = client.sendCommand.bind(client);
  client.sendCommand = ((...args: Parameters<Redis['sendCommand']>) => {
    commands++;
    return send(...args);
  }) as Redis['sendCommand'];
  return () => commands;
}

/** The same counts fetched by hand in one pipeline, no library. */
async function rawTick(client: Redis, prefix: string, names: string[]): Promise<void> {
  const pipeline = client.pipeline();
  for (const name of names) {
    const key = (suffix: string) => `${prefix}:${name}:${suffix}`;
    pipeline.exists(key('meta'));
    pipeline.llen(key('wait'));
    pipeline.llen(key('active'));
    pipeline.zcard(key('delayed'));
    pipeline.zcard(key('prioritized'));
    pipeline.zcard(key('failed'));
    pipeline.zcard(key('completed'));
    pipeline.zcard(key('waiting-children'));
    pipeline.hexists(key('meta'), 'paused');
  }
  await pipeline.exec();
}

/**
 * `npm run bench bullmq`: one BullMonitor tick over 200 BullMQ queues (SCAN discovery done once,
 * then existence + getJobCounts + isPaused per queue through the bullmq package) against a raw
 * ioredis pipeline reading the same counts, interleaved in the same run.
 */
export async function benchBullmq(): Promise<Record<string, unknown>> {
  const ns = uniqueNamespace('bench-bullmq');
  const prefix = `${ns}bull`;
  const client = new Redis(REDIS_URL);
  const url = new URL(REDIS_URL);
  const connection = new RedisConnection(
    { host: url.hostname, port: Number(url.port || 6379), db: 0, username: '', password: '', tls: false, tlsSettings: null },
    systemClock,
    new Redactor(),
  );
  const names = Array.from({ length: QUEUES }, (_, i) => `queue-${String(i).padStart(3, '0')}`);
  let monitor: BullMonitor | null = null;
  try {
    // Setup through the library (so the keys are real BullMQ ones), on one connection.
    const setupConnection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    for (const name of names) {
      const queue = new Queue(name, { connection: setupConnection, prefix });
      await queue.addBulk([
        ...Array.from({ length: 5 }, (_, i) => ({ name: 'job', data: { i } })),
        ...Array.from({ length: 2 }, (_, i) => ({ name: 'later', data: { i }, opts: { delay: 3_600_000 } })),
      ]);
      if (Number(name.slice(-3)) % 10 === 0) await queue.pause();
      await queue.close();
    }
    setupConnection.disconnect();
    // Failed/completed sets filled directly: only their sizes matter to the counts.
    const fill = client.pipeline();
    for (const name of names) {
      fill.zadd(`${prefix}:${name}:failed`, 1, 'f1', 2, 'f2');
      fill.zadd(`${prefix}:${name}:completed`, 1, 'c1', 2, 'c2', 3, 'c3');
    }
    await fill.exec();

    connection.start();
    for (let i = 0; i < 100 && !connection.isReady; i++) await new Promise((r) => setTimeout(r, 50));
    monitor = new BullMonitor('bench', ns, connection, { clock: systemClock, logger: silent, redactor: new Redactor() }, {
      tickMs: 2000,
      discoveryEveryMs: 3_600_000, // discovery measured once, separately
      tickTimeoutMs: 60_000,
      maxQueues: 200,
      scanCount: 200,
      maxScanSteps: 10_000,
    });
    let t = performance.now();
    await monitor.tick(); // discovery + first counts, opens the Queue objects
    const firstTickMs = round(performance.now() - t);
    const seen = monitor.snapshot().queues?.length ?? 0;
    if (seen !== QUEUES) throw new Error(`bench: the monitor found ${seen} queues, expected ${QUEUES}`);

    const bullClient = (monitor as unknown as { connection: Redis }).connection;
    const monitorCommands = countCommands(connection.standaloneClient);
    const bullCommands = countCommands(bullClient);
    const monitorMs: number[] = [];
    const rawMs: number[] = [];
    for (let i = 0; i < TICKS; i++) {
      // Interleaved, so both see the same machine load.
      t = performance.now();
      await monitor.tick();
      monitorMs.push(performance.now() - t);
      t = performance.now();
      await rawTick(client, prefix, names);
      rawMs.push(performance.now() - t);
    }
    const commandsPerTick = (monitorCommands() + bullCommands()) / TICKS;
    const monitorSummary = summarize(monitorMs);
    const raw = summarize(rawMs);
    return {
      bench: 'bullmq',
      queues: QUEUES,
      firstTickWithDiscoveryMs: firstTickMs,
      monitor: monitorSummary,
      rawPipeline: raw,
      ratioMedian: round(monitorSummary.medianMs / raw.medianMs),
      ratioP95: round(monitorSummary.p95Ms / raw.p95Ms),
      redisCommandsPerQueuePerTick: round(commandsPerTick / QUEUES),
      rawCommandsPerQueuePerTick: RAW_COMMANDS_PER_QUEUE,
    };
  } finally {
    await monitor?.stop();
    await connection.close();
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${ns}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await client.unlink(...keys);
    } while (cursor !== '0');
    client.disconnect();
  }
}
