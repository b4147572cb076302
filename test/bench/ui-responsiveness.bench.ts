import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { startWebHost } from '../../electron/headless/web-host';
import { RPC_PATH, TOKEN_PROTOCOL_PREFIX } from '../../shared/contract/wire';
import { createRandom, securityEvent } from '../../electron/core/demo/message-factory';
import { REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { cleanupNamespace, createTestCore } from '../helpers/core';
import { round } from './stats';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const random = createRandom(77);

function percentile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

/** A browser-mode client: one call at a time, each round trip timed. */
async function client(url: string, token: string): Promise<{ roundTrip: () => Promise<number>; close: () => void }> {
  const ws = new WebSocket(new URL(RPC_PATH, url.replace(/^http/, "ws")).toString(), [`${TOKEN_PROTOCOL_PREFIX}${token}`], { origin: new URL(url).origin });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  let next = 1;
  const waiting = new Map<number, () => void>();
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data)) as { type: string; id?: number };
    if (frame.type === 'result' && frame.id !== undefined) waiting.get(frame.id)?.();
  });
  return {
    roundTrip: () =>
      new Promise((resolve) => {
        const id = next++;
        const started = performance.now();
        waiting.set(id, () => {
          waiting.delete(id);
          resolve(performance.now() - started);
        });
        ws.send(JSON.stringify({ type: 'call', id, method: 'app.info', params: {} }));
      }),
    close: () => ws.close(),
  };
}

async function fill(redis: Redis, stream: string): Promise<void> {
  for (let done = 0; done < EVENTS; done += 5000) {
    const pipe = redis.pipeline();
    for (let i = done; i < Math.min(EVENTS, done + 5000); i++) pipe.xadd(stream, '*', 'data', JSON.stringify({ ...securityEvent(random, Date.now()), id: randomUUID(), description: 'x'.repeat(700) }));
    await pipe.exec();
  }
}

/** Round trips (every 20 ms) while the event processor drains the backlog, workers in a thread or on the host's own loop. */
async function measure(isolation: 'thread' | 'in-process'): Promise<Record<string, unknown>> {
  const ns = uniqueNamespace(`bench-ui-${isolation}`);
  const redis = new Redis(REDIS_URL);
  const t = await createTestCore(ns, { amqp: undefined, managementUrl: undefined }, { workerOptions: { isolation } });
  const host = await startWebHost({ core: t.core, staticDir: mkdtempSync(path.join(os.tmpdir(), 'wf-static-')), port: 0 });
  const c = await client(host.url, host.token);
  try {
    const idle: number[] = [];
    for (let i = 0; i < 200; i++) idle.push(await c.roundTrip());
    await fill(redis, `${ns}security.events`);
    await t.core.call('workers.start', { envId: t.envId, only: ['event'] });
    await t.core.call('workers.configure', { envId: t.envId, processor: 'event', settings: { batch: 500, concurrency: 2 } });
    const busy: number[] = [];
    const started = performance.now();
    let processed = 0;
    while (processed < EVENTS && performance.now() - started < 300_000) {
      busy.push(await c.roundTrip());
      await new Promise((r) => setTimeout(r, 20));
      const view = await t.core.call('workers.list', { envId: t.envId });
      processed = view.ok ? (view.value.processors.find((p) => p.name === 'event')?.counters.processed ?? 0) : 0;
    }
    const seconds = (performance.now() - started) / 1000;
    return {
      isolation,
      idleRoundTripMs: { p50: round(percentile(idle, 0.5)), p99: round(percentile(idle, 0.99)) },
      busyRoundTripMs: { p50: round(percentile(busy, 0.5)), p99: round(percentile(busy, 0.99)), max: round(Math.max(...busy)), n: busy.length },
      eventsPerSecWhileMeasured: round(processed / seconds),
    };
  } finally {
    c.close();
    await host.close();
    await t.close();
    await cleanupNamespace(ns).catch(() => undefined);
    redis.disconnect();
  }
}

/**
 * Issue 4: a WebSocket round trip's p99 (browser mode, the same dispatcher as IPC) while the event
 * processor runs flat out on a 200k backlog — workers in their thread (the product) and, as the
 * baseline, on the host's own event loop.
 */
export async function benchUiResponsiveness(): Promise<Record<string, unknown>> {
  const thread = await measure('thread');
  const inProcess = await measure('in-process');
  return { bench: 'ui-responsiveness', events: EVENTS, thread, inProcess, goal: 'p99 < 50 ms while the event processor runs flat out' };
}
