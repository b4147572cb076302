import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { StreamSampler } from '../../electron/core/brokers/redis/stream-sampler';
import { replayIds } from '../../electron/core/dead-letters/redis-dlq';
import { Redactor } from '../../electron/core/redaction';
import { SshTunnel } from '../../electron/core/tunnel/ssh-tunnel';
import { deleteKeys, REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { OwnSshd } from '../helpers/sshd';
import { round, summarize } from './stats';
import { monitorStreamNames, seedMonitorStreams } from './stream-fixture';

const STREAMS = 200;
const GROUPS = 3;
const TICKS = 40;
const REPLAY = 50_000;
const PAYLOAD = JSON.stringify({ event_id: 'x'.repeat(36), event_type: 'threat_detected', severity: 'high', source: 'bench', details: 'y'.repeat(300) });

const rssMb = () => {
  globalThis.gc?.();
  return process.memoryUsage().rss / 1024 / 1024;
};

async function fill(redis: Redis, stream: string, count: number, origin: string): Promise<void> {
  for (let done = 0; done < count; done += 10_000) {
    const pipeline = redis.pipeline();
    for (let i = 0; i < Math.min(10_000, count - done); i++) pipeline.xadd(stream, '*', 'data', PAYLOAD, 'dlq_origin_stream', origin, 'dlq_error', 'schema: bench', 'dlq_attempts', '3');
    await pipeline.exec();
  }
}

async function replayAll(redis: Redis, dlq: string): Promise<number> {
  const t = performance.now();
  for (;;) {
    const ids = ((await redis.xrange(dlq, '-', '+', 'COUNT', 500)) as [string, string[]][]).map(([id]) => id);
    if (ids.length === 0) break;
    await replayIds(redis, dlq, ids, { target: null, maxReplays: 3, force: false, dryRun: false });
  }
  return performance.now() - t;
}

/**
 * Issue 18: the console's Redis paths through an SSH tunnel (an own sshd on loopback, ed25519 host
 * key pinned, one ssh2 connection) vs direct, in the same run: the monitor tick for 200 streams ×
 * 3 groups (interleaved ticks) and the DLQ replay of 50,000 entries (the console's script per batch),
 * plus the host RSS the tunnel and a client through it add.
 */
export async function benchTunnel(): Promise<Record<string, unknown>> {
  const ns = uniqueNamespace('bench-tunnel');
  const sshd = await OwnSshd.start();
  const direct = new Redis(REDIS_URL);
  const url = new URL(REDIS_URL);
  const rssBefore = rssMb();
  const tunnel = new SshTunnel({ host: '127.0.0.1', port: sshd.port, user: sshd.user, auth: 'key', keyFile: sshd.key.file, hostKey: sshd.hostKeyFingerprint }, { redactor: new Redactor(), knownHostsFile: null });
  const port = await tunnel.forward(url.hostname, Number(url.port || 6379));
  const viaTunnel = new Redis({ host: '127.0.0.1', port });
  const names = monitorStreamNames(ns, STREAMS);
  const groups = Array.from({ length: GROUPS }, (_, g) => `group-${g}`);
  try {
    await viaTunnel.ping();
    await seedMonitorStreams(direct, names, groups);
    const directSampler = new StreamSampler();
    const tunnelSampler = new StreamSampler();
    await directSampler.sample(direct, names);
    await tunnelSampler.sample(viaTunnel, names);
    const directMs: number[] = [];
    const tunnelMs: number[] = [];
    for (let i = 0; i < TICKS; i++) {
      let t = performance.now();
      await tunnelSampler.sample(viaTunnel, names);
      tunnelMs.push(performance.now() - t);
      t = performance.now();
      await directSampler.sample(direct, names);
      directMs.push(performance.now() - t);
    }
    const rssTunnel = rssMb() - rssBefore;
    // The fair figure: each side in a fresh process with forced GC, the same client work, alternated.
    const child = (mode: 'direct' | 'tunnel') =>
      (JSON.parse(
        execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(path.dirname(fileURLToPath(import.meta.url)), 'tunnel-rss-child.ts'), mode], {
          encoding: 'utf8',
          env: { ...process.env, WF_NS: ns, WF_STREAMS: String(STREAMS), WF_SSH: JSON.stringify({ port: sshd.port, user: sshd.user, keyFile: sshd.key.file, hostKey: sshd.hostKeyFingerprint }) },
        }),
      ) as { rssAddedMb: number }).rssAddedMb;
    const pairs: { direct: number; tunnel: number }[] = [];
    for (let i = 0; i < 3; i++) pairs.push({ direct: child('direct'), tunnel: child('tunnel') });
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

    const directDlq = `${ns}a.dlq`;
    const tunnelDlq = `${ns}b.dlq`;
    await fill(direct, directDlq, REPLAY, `${ns}a`);
    await fill(direct, tunnelDlq, REPLAY, `${ns}b`);
    const directReplayMs = await replayAll(direct, directDlq);
    const tunnelReplayMs = await replayAll(viaTunnel, tunnelDlq);
    const moved = [await direct.xlen(`${ns}a`), await direct.xlen(`${ns}b`)];
    const tick = { direct: summarize(directMs), tunnel: summarize(tunnelMs) };
    return {
      bench: 'tunnel',
      monitorTick: { streams: STREAMS, groupsPerStream: GROUPS, ...tick, ratioMedian: round(tick.tunnel.medianMs / tick.direct.medianMs), goal: 'tunnel <= 1.5x direct' },
      replay: {
        entries: REPLAY,
        directPerSecond: round(REPLAY / (directReplayMs / 1000), 0),
        tunnelPerSecond: round(REPLAY / (tunnelReplayMs / 1000), 0),
        ratio: round(directReplayMs / tunnelReplayMs, 3),
        movedDirect: moved[0],
        movedTunnel: moved[1],
        goal: 'tunnel >= 0.6x direct',
      },
      rss: {
        tunnelledMinusDirectMb: round(median(pairs.map((p) => p.tunnel - p.direct)), 1),
        pairs,
        note: 'RSS a client and 41 ticks add, each side in its own process with forced GC (3 pairs, median of the differences)',
        goal: '<= 15 MB',
        inProcessAddedMb: round(rssTunnel, 1),
        inProcessNote: 'this process before seeding vs after the ticks: counts the seeding, both clients and uncollected garbage, not the tunnel',
      },
    };
  } finally {
    await deleteKeys(direct, ns);
    viaTunnel.disconnect();
    direct.disconnect();
    await tunnel.close();
    await sshd.stop();
  }
}
