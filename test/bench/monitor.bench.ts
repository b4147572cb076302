import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { StreamSampler } from '../../electron/core/brokers/redis/stream-sampler';
import { createRedisClient } from '../../electron/core/brokers/redis/redis-connection';
import type { RedisClient } from '../../electron/core/brokers/redis/redis-client';
import { REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { OwnCluster } from '../helpers/own-cluster';
import { round, summarize } from './stats';
import { deleteStreams, monitorStreamNames, namesByMaster, seedMonitorStreams, seedMonitorStreamsOnCluster } from './stream-fixture';
import { classicLoopCpu, idleCpu, monitoringCpu } from './monitor-cpu';

/** One environment at the scale the console is measured at: its discovery's cap of 2,000 streams. */
const STREAMS = 2000;
const GROUPS = 3;
const TICKS = Number(process.env.WATCHFLOOR_BENCH_MONITOR_TICKS ?? 30);
/** Seconds of monitoring at a 1 s cadence per case for the CPU figure (and of idle for its baseline). */
const CPU_SECONDS = Number(process.env.WATCHFLOOR_BENCH_MONITOR_CPU_SECONDS ?? 30);
/** The tick comparison's client: the app's, with room for the classic 16,000-command pipeline on a loaded machine. */
const BENCH_DEADLINES = { commandTimeout: 30_000 };
const groups = Array.from({ length: GROUPS }, (_, g) => `group-${g}`);

/** Counts round trips: each pipeline exec and each direct command is one. */
function countingClient<T extends RedisClient>(client: T): { client: T; roundTrips: () => number } {
  let trips = 0;
  const proxy = new Proxy(client, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop === 'pipeline' || prop === 'multi') {
        return (...args: unknown[]) => {
          const pipeline = (value as (...a: unknown[]) => { exec: () => Promise<unknown> }).apply(target, args);
          const exec = pipeline.exec.bind(pipeline);
          pipeline.exec = () => {
            trips++;
            return exec();
          };
          return pipeline;
        };
      }
      if (typeof value === 'function' && typeof prop === 'string' && /^(x|scan|info|call|send)/i.test(prop)) {
        return (...args: unknown[]) => {
          trips++;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return value;
    },
  });
  return { client: proxy, roundTrips: () => trips };
}

/** The sampler's commands by hand on one server: one pipeline, TIME then XINFO STREAM FULL COUNT 1 per stream, no parsing. */
async function rawTick(client: Redis, names: readonly string[]): Promise<void> {
  const pipeline = client.pipeline();
  pipeline.time();
  for (const name of names) pipeline.xinfo('STREAM', name, 'FULL', 'COUNT', 1);
  await pipeline.exec();
}

/** The classic commands (the sampler before FULL, and still on Redis 5) by hand: one pipeline, no parsing. */
async function rawClassicTick(client: Redis, names: readonly string[]): Promise<void> {
  const pipeline = client.pipeline();
  for (const name of names) {
    pipeline.xinfo('STREAM', name);
    pipeline.xinfo('GROUPS', name);
    for (const group of groups) {
      pipeline.xinfo('CONSUMERS', name, group);
      pipeline.xpending(name, group);
    }
  }
  await pipeline.exec();
}

const cpuMsSince = (start: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};

type Raw = (node: Redis, names: readonly string[]) => Promise<void>;

/** Wall time and this process's CPU of each run of one contestant. */
class Timings {
  readonly ms: number[] = [];
  cpuMs = 0;
  async time(run: () => Promise<unknown>): Promise<void> {
    const cpu = process.cpuUsage();
    const t = performance.now();
    await run();
    this.ms.push(performance.now() - t);
    this.cpuMs += cpuMsSince(cpu);
  }
}

/** A sampler after its first ticks (groups learnt), checked to see every stream, group and consumer. */
async function warmSampler(client: RedisClient, names: readonly string[], mode: 'full' | 'classic'): Promise<StreamSampler> {
  const sampler = new StreamSampler(Date.now, '', { mode });
  await sampler.sample(client, names);
  const check = await sampler.sample(client, names);
  const withGroups = check.streams.filter((s) => s.groups.length === GROUPS).length;
  const consumers = check.streams.reduce((n, s) => n + s.groups.reduce((m, g) => m + g.consumerList.length, 0), 0);
  if (withGroups !== names.length || consumers !== names.length * GROUPS) throw new Error(`bench: the ${mode} sampler saw ${withGroups} streams with ${GROUPS} groups and ${consumers} consumers`);
  return sampler;
}

function versus(sampler: Timings, raw: Timings) {
  const s = summarize(sampler.ms);
  const r = summarize(raw.ms);
  return {
    sampler: s,
    rawPerNodePipeline: r,
    ratioMedian: round(s.medianMs / r.medianMs),
    ratioP95: round(s.p95Ms / r.p95Ms),
    cpuMsPerTick: { sampler: round(sampler.cpuMs / TICKS, 1), raw: round(raw.cpuMs / TICKS, 1) },
  };
}

/**
 * The console's sampler (FULL reads; the classic commands as the "before") against the raw
 * pipeline(s) of the same commands, all four interleaved tick by tick so they see the same machine
 * load: wall time per tick and this process's CPU per tick.
 */
async function compareTicks(sampled: RedisClient, names: readonly string[], perNode: (raw: Raw) => Promise<void>) {
  const counted = countingClient(sampled);
  const full = await warmSampler(counted.client, names, 'full');
  const classic = await warmSampler(sampled, names, 'classic');
  const t = { full: new Timings(), rawFull: new Timings(), classic: new Timings(), rawClassic: new Timings() };
  const tripsBefore = counted.roundTrips();
  for (let i = 0; i < TICKS; i++) {
    await t.full.time(() => full.sample(counted.client, names));
    await t.rawFull.time(() => perNode(rawTick));
    await t.classic.time(() => classic.sample(sampled, names));
    await t.rawClassic.time(() => perNode(rawClassicTick));
  }
  return {
    ...versus(t.full, t.rawFull),
    roundTripsPerTick: (counted.roundTrips() - tripsBefore) / TICKS,
    before: versus(t.classic, t.rawClassic),
    fullVsClassicMedian: round(summarize(t.full.ms).medianMs / summarize(t.classic.ms).medianMs),
  };
}

async function connected(client: RedisClient): Promise<RedisClient> {
  await client.connect();
  return client;
}

/** The app's monitor at 1 s (FULL reads), and the same tick with the classic commands as the "before". */
async function cpuFigures(settings: Parameters<typeof monitoringCpu>[0], sampled: RedisClient, ns: string, idlePercent: number) {
  const cpu = await monitoringCpu(settings, ns, STREAMS, CPU_SECONDS);
  const before = await classicLoopCpu(sampled, ns, CPU_SECONDS);
  return {
    monitoringCpu: { ...cpu, netOfIdlePercent: round(cpu.cpuPercent - idlePercent, 2) },
    monitoringCpuBefore: { ...before, netOfIdlePercent: round(before.cpuPercent - idlePercent, 2) },
  };
}

async function singleNodeCase(idlePercent: number): Promise<Record<string, unknown>> {
  const ns = uniqueNamespace('bench-monitor');
  const names = monitorStreamNames(ns, STREAMS);
  const url = new URL(REDIS_URL);
  const settings = { host: url.hostname, port: Number(url.port || 6379), db: 0, username: '', password: '', tls: false, tlsSettings: null };
  const admin = new Redis(REDIS_URL);
  let sampled: RedisClient | null = null;
  try {
    await seedMonitorStreams(admin, names, groups);
    sampled = await connected(createRedisClient(settings, BENCH_DEADLINES));
    const ticks = await compareTicks(sampled, names, (raw) => raw(admin, names));
    return { ...ticks, ...(await cpuFigures(settings, sampled, ns, idlePercent)) };
  } finally {
    sampled?.disconnect();
    await deleteStreams(admin, names); // every key the case made, also when it failed
    admin.disconnect();
  }
}

async function clusterCase(idlePercent: number): Promise<Record<string, unknown>> {
  const ns = uniqueNamespace('bench-monitor');
  const names = monitorStreamNames(ns, STREAMS);
  // A private cluster of three masters: stopping it removes every key it held.
  const cluster = await OwnCluster.start();
  const admin = cluster.client();
  let sampled: RedisClient | null = null;
  try {
    await admin.cluster('INFO'); // slot map loaded
    await seedMonitorStreamsOnCluster(admin, names, groups);
    const byMaster = [...namesByMaster(admin, names)];
    sampled = await connected(createRedisClient(cluster.settings, BENCH_DEADLINES));
    const ticks = await compareTicks(sampled, names, async (raw) => {
      await Promise.all(byMaster.map(([node, own]) => raw(node, own)));
    });
    return { masters: byMaster.length, streamsPerMaster: byMaster.map(([, own]) => own.length), ...ticks, ...(await cpuFigures(cluster.settings, sampled, ns, idlePercent)) };
  } finally {
    sampled?.disconnect();
    admin.disconnect();
    await cluster.stop();
  }
}

/**
 * `npm run bench monitor`: one environment of 2,000 streams × 3 groups on the shared single node
 * and on a private 3-master cluster. Per case: the stream sampler's tick against a raw pipeline of
 * the same commands per node (on the cluster one per master with its keys, in parallel), interleaved
 * in the same run; and this process's CPU while the app's monitor (EnvironmentMonitor: discovery,
 * sampler, history) runs at a 1 s cadence, net of an idle baseline measured the same way.
 */
export async function benchMonitor(): Promise<Record<string, unknown>> {
  const idlePercent = await idleCpu(CPU_SECONDS);
  const singleNode = await singleNodeCase(idlePercent);
  const cluster = await clusterCase(idlePercent);
  return {
    bench: 'monitor',
    streams: STREAMS,
    groupsPerStream: GROUPS,
    commandsPerTick: { full: STREAMS + 1, classic: STREAMS * (2 + 2 * GROUPS) },
    ticks: TICKS,
    cpuSeconds: CPU_SECONDS,
    idleCpuPercent: idlePercent,
    singleNode,
    cluster,
    goal: 'tick <= 1.3x the raw per-node pipeline; monitoring <= 10% of one core at a 1 s cadence (net of idle)',
  };
}
