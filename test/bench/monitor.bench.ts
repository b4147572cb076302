import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { StreamSampler } from '../../electron/core/brokers/redis/stream-sampler';
import { REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { round, summarize } from './stats';
import { monitorStreamNames, seedMonitorStreams } from './stream-fixture';

const STREAMS = 200;
const GROUPS = 3;
const TICKS = 60;

/** Counts round trips: each pipeline exec and each direct command is one. */
function countingClient(client: Redis): { client: Redis; roundTrips: () => number } {
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

/** The same data fetched by hand: one pipeline with the same commands, no parsing. */
async function rawTick(client: Redis, names: string[], groups: string[]): Promise<void> {
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

export async function benchMonitor(): Promise<Record<string, unknown>> {
  const ns = uniqueNamespace('bench-monitor');
  const client = new Redis(REDIS_URL);
  const names = monitorStreamNames(ns, STREAMS);
  const groups = Array.from({ length: GROUPS }, (_, g) => `group-${g}`);
  try {
    await seedMonitorStreams(client, names, groups);

    const counted = countingClient(client);
    const sampler = new StreamSampler();
    await sampler.sample(counted.client, names); // learns the groups
    const tripsBefore = counted.roundTrips();
    const samplerMs: number[] = [];
    const rawMs: number[] = [];
    for (let i = 0; i < TICKS; i++) {
      // Interleaved, so both see the same machine load.
      let t = performance.now();
      await sampler.sample(counted.client, names);
      samplerMs.push(performance.now() - t);
      t = performance.now();
      await rawTick(client, names, groups);
      rawMs.push(performance.now() - t);
    }
    const roundTripsPerTick = (counted.roundTrips() - tripsBefore) / TICKS;
    const sampler_ = summarize(samplerMs);
    const raw = summarize(rawMs);
    return {
      bench: 'monitor',
      streams: STREAMS,
      groupsPerStream: GROUPS,
      commandsPerTick: STREAMS * (2 + 2 * GROUPS),
      sampler: sampler_,
      rawPipeline: raw,
      ratioMedian: round(sampler_.medianMs / raw.medianMs),
      goal: '<= 1.5x the raw pipeline, 1 round trip per tick',
      roundTripsPerTick,
    };
  } finally {
    const cleanup = client.pipeline();
    for (const name of names) cleanup.del(name);
    await cleanup.exec();
    client.disconnect();
  }
}
