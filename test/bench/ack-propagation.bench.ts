import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { alertForEvent, createRandom, securityEvent } from '../../electron/core/demo/message-factory';
import { SecurityAlert } from '../../shared/schemas/security-streams';
import { deleteKeys, REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { createTestCore } from '../helpers/core';
import { waitFor } from '../helpers/wait';
import { round } from './stats';

const ACKS = 200;

function percentiles(samples: number[]): { p50Ms: number; p95Ms: number; p99Ms: number; n: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50Ms: round(at(0.5), 1), p95Ms: round(at(0.95), 1), p99Ms: round(at(0.99), 1), n: samples.length };
}

/**
 * Issue 19 `ack-propagation`: console A acknowledges an alert (`alerts.act`), timed until console
 * B's core pushes `alerts.changed` naming it (what B's host forwards to its renderer). Baseline in
 * the same run, interleaved: a raw XADD seen by a raw XREAD BLOCK client on its own connection.
 */
export async function benchAckPropagation(): Promise<Record<string, unknown>> {
  const ns = uniqueNamespace('bench-ackprop');
  const redis = new Redis(REDIS_URL);
  const reader = new Redis(REDIS_URL);
  const a = await createTestCore(ns, { amqp: null, managementUrl: null });
  const b = await createTestCore(ns, { amqp: null, managementUrl: null });
  try {
    await waitFor(() => a.core.runtime(a.envId).redis?.isReady && b.core.runtime(b.envId).redis?.isReady, 'both consoles connected');
    const store = a.core.runtime(a.envId).alerts!.store;
    const random = createRandom(19);
    const ids: string[] = [];
    for (let i = 0; i < ACKS; i++) {
      const alert = SecurityAlert.parse(alertForEvent(securityEvent(random, Date.now()) as unknown as Record<string, unknown> & { correlation_id: string }, Date.now()));
      await store.ingest(alert);
      ids.push(alert.id);
    }
    const waiting = new Map<string, (at: number) => void>();
    b.core.on('alerts.changed', (payload) => {
      const at = performance.now();
      for (const alert of payload.alerts) if (alert.status === 'acknowledged') waiting.get(alert.id)?.(at);
    });
    // Let B's feed settle past the creations.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const product: number[] = [];
    const raw: number[] = [];
    const rawStream = `${ns}raw`;
    let rawCursor = '0-0';
    for (const id of ids) {
      const seen = new Promise<number>((resolve) => waiting.set(id, resolve));
      const t = performance.now();
      const acted = await a.core.call('alerts.act', { envId: a.envId, id, expectedVersion: 1, action: 'ack' });
      if (!acted.ok) throw new Error(acted.error.message);
      product.push((await seen) - t);
      waiting.delete(id);

      const blocked = reader.xread('BLOCK', 5000, 'STREAMS', rawStream, rawCursor) as Promise<[string, [string, string[]][]][] | null>;
      await new Promise((resolve) => setImmediate(resolve));
      const r = performance.now();
      await redis.xadd(rawStream, '*', 'data', id);
      const reply = await blocked;
      raw.push(performance.now() - r);
      rawCursor = reply![0]![1][0]![0];
    }
    const p = percentiles(product);
    const q = percentiles(raw);
    return { bench: 'ack-propagation', acks: ACKS, goal: 'p95 < 100 ms, p99 < 250 ms', product: p, raw: q, ratioP95: round(p.p95Ms / Math.max(q.p95Ms, 0.1), 1) };
  } finally {
    await a.close();
    await b.close();
    await deleteKeys(redis, ns);
    redis.disconnect();
    reader.disconnect();
  }
}
