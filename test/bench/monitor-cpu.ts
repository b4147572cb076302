import { performance } from 'node:perf_hooks';
import type { ResolvedEnvironment } from '../../electron/core/environments/resolved-environment';
import { RedisConnection } from '../../electron/core/brokers/redis/redis-connection';
import { EnvironmentMonitor } from '../../electron/core/monitor/environment-monitor';
import { StreamHistoryStore } from '../../electron/core/monitor/stream-history';
import { StreamDiscovery } from '../../electron/core/brokers/redis/stream-discovery';
import { StreamSampler } from '../../electron/core/brokers/redis/stream-sampler';
import type { RedisClient } from '../../electron/core/brokers/redis/redis-client';
import { systemClock, type Logger } from '../../electron/core/ports';
import { Redactor } from '../../electron/core/redaction';
import { round } from './stats';

type RedisSettings = NonNullable<ResolvedEnvironment['redis']>;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** User + system CPU of this process over `work` (awaited), as a % of one core of the wall time. */
async function cpuPercentDuring(work: () => Promise<void>): Promise<{ cpuPercent: number; wallMs: number; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await work();
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  return { cpuPercent: round((100 * cpuMs) / wallMs, 2), wallMs: round(wallMs, 0), cpuMs: round(cpuMs, 1) };
}

/** This process's CPU while nothing runs for `seconds`: the baseline the monitoring figure is net of. */
export async function idleCpu(seconds: number): Promise<number> {
  return (await cpuPercentDuring(() => sleep(seconds * 1000))).cpuPercent;
}

/**
 * The app's own monitoring path — a RedisConnection and an EnvironmentMonitor (discovery, the
 * stream sampler, the history record) at a 1 s cadence — run for `seconds` after a warm-up that
 * waits for discovery to find every stream; returns this process's CPU over that time.
 */
export async function monitoringCpu(
  settings: RedisSettings,
  namespace: string,
  expectedStreams: number,
  seconds: number,
): Promise<{ cpuPercent: number; cpuMs: number; wallMs: number; ticks: number; failedTicks: number; streamsShown: number }> {
  let failedTicks = 0;
  const logger: Logger = { info: () => undefined, warn: () => void failedTicks++, error: () => void failedTicks++ };
  const redactor = new Redactor();
  const connection = new RedisConnection(settings, systemClock, redactor);
  const monitor = new EnvironmentMonitor('bench', namespace, connection, null, null, '/', { clock: systemClock, logger, redactor }, { tickMs: 1000, discoveryEveryMs: 30_000 });
  let ticks = 0;
  monitor.onOverview(() => void ticks++);
  try {
    connection.start();
    for (let i = 0; i < 200 && !connection.isReady; i++) await sleep(50);
    if (!connection.isReady) throw new Error('bench: the monitoring connection did not become ready');
    monitor.start();
    const shown = () => (monitor.snapshot().redis.streams ?? []).filter((s) => s.name.startsWith(`${namespace}stream-`)).length;
    for (let i = 0; i < 60 && shown() < expectedStreams; i++) await sleep(500);
    if (shown() !== expectedStreams) throw new Error(`bench: the monitor shows ${shown()} streams, expected ${expectedStreams}`);
    await sleep(2000); // past the first ticks (groups learnt, history allocated)
    ticks = 0;
    failedTicks = 0;
    const measured = await cpuPercentDuring(() => sleep(seconds * 1000));
    return { ...measured, ticks, failedTicks, streamsShown: shown() };
  } finally {
    monitor.stop();
    await connection.close();
  }
}

/**
 * The "before" figure in the same run: the monitor's Redis tick as EnvironmentMonitor runs it
 * (discovery, the sampler, the history record; a tick still running when the next is due is
 * skipped) but with the sampler held to the classic commands, at a 1 s cadence for `seconds`.
 */
export async function classicLoopCpu(client: RedisClient, namespace: string, seconds: number): Promise<{ cpuPercent: number; ticks: number; skippedTicks: number }> {
  const discovery = new StreamDiscovery(client, namespace);
  const sampler = new StreamSampler(Date.now, namespace, { mode: 'classic' });
  const history = new StreamHistoryStore();
  let inFlight = false;
  let ticks = 0;
  let skippedTicks = 0;
  const tick = async () => {
    if (inFlight) return void skippedTicks++;
    inFlight = true;
    try {
      if (!discovery.isComplete) await discovery.run();
      const sample = await sampler.sample(client, discovery.names());
      history.record(Date.now(), sample.streams, sample.gone);
      ticks++;
    } finally {
      inFlight = false;
    }
  };
  await tick();
  await tick(); // groups learnt
  ticks = 0;
  const timer = setInterval(() => void tick(), 1000);
  try {
    const measured = await cpuPercentDuring(() => sleep(seconds * 1000));
    return { cpuPercent: measured.cpuPercent, ticks, skippedTicks };
  } finally {
    clearInterval(timer);
    while (inFlight) await sleep(50);
  }
}
