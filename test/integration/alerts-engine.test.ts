import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { AlertStore } from '../../electron/core/alerts/alert-store';
import { EscalationEngine } from '../../electron/core/alerts/escalation-engine';
import { CodedError } from '../../shared/contract/errors';
import { DEFAULT_SEVERITY_POLICY, type EscalationPolicy } from '../../shared/model/alerts';
import type { SecurityAlert } from '../../shared/schemas/security-streams';
import { REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { cleanupNamespace } from '../helpers/core';
import { waitFor } from '../helpers/wait';

const SHORT: EscalationPolicy = { default: { ...DEFAULT_SEVERITY_POLICY, ackWithinMs: 1_500, resolveWithinMs: 3_000 }, bySeverity: {} };

function alertMsg(at = Date.now()): SecurityAlert {
  return {
    id: randomUUID(),
    rule_id: randomUUID(),
    timestamp: new Date(at).toISOString(),
    organization_id: randomUUID(),
    asset_id: randomUUID(),
    severity: 'critical',
    title: 'Kong Admin API exposed',
    message: 'Kong Admin API exposed without authentication',
    status: 'open',
    escalation_level: 1,
    notification_channels: ['slack', 'email'],
    metadata: {},
  } as SecurityAlert;
}

async function dedupKeys(redis: Redis, stream: string): Promise<string[]> {
  const rows = await redis.xrange(stream, '-', '+');
  return rows.map(([, f]) => (JSON.parse(f[1]!) as { dedup_key: string }).dedup_key);
}

describe('alerts store and escalation engine on real Redis', () => {
  const namespaces: string[] = [];
  const clients: Redis[] = [];
  const client = () => {
    const r = new Redis(REDIS_URL);
    clients.push(r);
    return r;
  };
  const ns = () => {
    const n = uniqueNamespace('alerts');
    namespaces.push(n);
    return n;
  };
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    for (const n of namespaces) await cleanupNamespace(n);
  });

  it('ingests idempotently and emits level 1 once', async () => {
    const redis = client();
    const store = new AlertStore(redis, ns(), SHORT);
    const msg = alertMsg();
    expect(await store.ingest(msg)).toBe(true);
    expect(await store.ingest(msg)).toBe(false);
    expect(await dedupKeys(redis, store.keys.notificationsStream)).toEqual([`${msg.id}:L1`]);
    expect(await redis.zrange(store.keys.due, '0', '-1')).toEqual([`${msg.id}:2`, `${msg.id}:3`]);
    expect((await store.get(msg.id))?.version).toBe(1);
  });

  it('a stale action gets CONFLICT "changed by <who> at <when>"', async () => {
    const store = new AlertStore(client(), ns(), SHORT);
    const msg = alertMsg();
    await store.ingest(msg);
    await store.act({ id: msg.id, expectedVersion: 1, action: 'note', reason: 'looking' }, 'Ana (ana)');
    const err = await store.act({ id: msg.id, expectedVersion: 1, action: 'ack' }, 'Bo (bo)').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CodedError);
    expect((err as CodedError).code).toBe('CONFLICT');
    expect((err as CodedError).message).toMatch(/changed by Ana \(ana\) at \d{4}-\d\d-\d\dT/);
    const audit = await store.audit();
    expect(audit.map((a) => a.what)).toEqual(['note', 'created']);
    expect(audit[0]).toMatchObject({ who: 'Ana (ana)', before: { version: 1 }, after: { version: 2 } });
  });

  it('escalates on time, ack before the deadline cancels level 2, resolve cancels level 3', async () => {
    const redis = client();
    const store = new AlertStore(redis, ns(), SHORT);
    const open = alertMsg();
    const acked = alertMsg();
    await store.ingest(open);
    await store.ingest(acked);
    await store.act({ id: acked.id, expectedVersion: 1, action: 'ack' }, 'Ana (ana)');
    const engine = new EscalationEngine(redis, store, { tickMs: 50 });
    engine.start();
    try {
      await waitFor(async () => (await store.get(open.id))?.level === 2, 'open alert reaches level 2');
      const a = (await store.get(acked.id))!;
      expect(a.level).toBe(1);
      await store.act({ id: acked.id, expectedVersion: a.version, action: 'resolve' }, 'Ana (ana)');
      await waitFor(async () => (await store.get(open.id))?.level === 3, 'open alert reaches level 3');
      await waitFor(async () => (await redis.zcard(store.keys.due)) === 0, 'due set drained');
    } finally {
      engine.stop();
    }
    expect((await store.get(acked.id))?.level).toBe(1);
    expect((await dedupKeys(redis, store.keys.notificationsStream)).sort()).toEqual([`${acked.id}:L1`, `${open.id}:L1`, `${open.id}:L2`, `${open.id}:L3`].sort());
  });

  it('three engines on 500 alerts notify each (alert, level) exactly once, and a restart loses nothing', async () => {
    const redis = client();
    const namespace = ns();
    const store = new AlertStore(redis, namespace, SHORT);
    const ids: string[] = [];
    for (let i = 0; i < 500; i++) {
      const m = alertMsg();
      ids.push(m.id);
      await store.ingest(m);
    }
    const engines = [0, 1, 2].map(() => {
      const r = client();
      return new EscalationEngine(r, new AlertStore(r, namespace, SHORT), { tickMs: 20, batch: 50 });
    });
    const started = Date.now();
    for (const e of engines) e.start();
    // restart one engine mid-schedule
    await new Promise((r) => setTimeout(r, 1_000));
    engines[0]!.stop();
    engines[0]!.start();
    try {
      await waitFor(async () => (await redis.zcard(store.keys.due)) === 0, 'all 1000 escalations fired', 60_000);
    } finally {
      for (const e of engines) e.stop();
    }
    const elapsed = Date.now() - started;
    const keys = await dedupKeys(redis, store.keys.notificationsStream);
    const counts = new Map<string, number>();
    for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
    const duplicates = [...counts.values()].filter((c) => c > 1).length;
    console.log(`[alerts bench] 3 engines, 500 alerts: ${keys.length} notifications, ${counts.size} distinct, duplicates ${duplicates}, drained ${elapsed} ms after start (level 3 due at 3000 ms)`);
    expect(duplicates).toBe(0);
    expect(counts.size).toBe(1500);
    for (const id of ids) for (const l of [1, 2, 3]) expect(counts.get(`${id}:L${l}`)).toBe(1);
  }, 90_000);

  it('an engine paused past its lease cannot escalate (fencing token rejected)', async () => {
    const redis = client();
    const namespace = ns();
    const store = new AlertStore(redis, namespace, SHORT);
    const msg = alertMsg(Date.now() - 10_000);
    await store.ingest(msg);
    const paused = new EscalationEngine(client(), new AlertStore(redis, namespace, SHORT), { leaseMs: 200 });
    const other = new EscalationEngine(client(), new AlertStore(redis, namespace, SHORT), { leaseMs: 5_000 });
    let released!: () => void;
    const resume = new Promise<void>((r) => (released = r));
    let pausedOn = '';
    paused.beforeTransition = async (member) => {
      pausedOn = member;
      await resume;
    };
    const pausedTick = paused.tick();
    await waitFor(() => pausedOn, 'paused engine holds a lease');
    await waitFor(async () => (await redis.exists(store.keys.lease(pausedOn))) === 0, 'lease expired');
    const r = await other.tick();
    expect(r.escalated).toBeGreaterThan(0);
    released();
    paused.beforeTransition = null;
    const result = await pausedTick;
    expect(result).toMatchObject({ escalated: 0, fenced: 1 });
    const keys = await dedupKeys(redis, store.keys.notificationsStream);
    expect(keys.filter((k) => k === `${msg.id}:L2`)).toHaveLength(1);
  });

  it('a real engine process stopped with SIGSTOP past its lease is fenced out when it resumes', async () => {
    const redis = client();
    const namespace = ns();
    const store = new AlertStore(redis, namespace, SHORT);
    const msg = alertMsg(Date.now() - 10_000);
    await store.ingest(msg);
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/engine-child.ts'], {
      env: { ...process.env, REDIS_URL, NS: namespace, POLICY: JSON.stringify(SHORT), LEASE_MS: '300' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (c) => (out += c));
    child.stderr!.on('data', (c) => (out += c));
    try {
      const member = await waitFor(() => /claimed (\S+)/.exec(out)?.[1], 'child claimed a lease', 20_000);
      process.kill(child.pid!, 'SIGSTOP');
      await waitFor(async () => (await redis.exists(store.keys.lease(member))) === 0, 'the stopped engine lease expired');
      // Another engine claims the expired lease (and has not written yet) when the stopped one wakes up.
      const token = String(await redis.incr(store.keys.fence));
      await redis.set(store.keys.lease(member), token, 'PX', 10_000);
      process.kill(child.pid!, 'SIGCONT');
      const result = JSON.parse(await waitFor(() => /result (\{.*\})/.exec(out)?.[1], 'child finished', 20_000)) as { escalated: number; fenced: number };
      // Its version was still current: only the fencing token stopped it.
      expect(result).toMatchObject({ escalated: 0, fenced: 1 });
      expect(await store.get(msg.id)).toMatchObject({ level: 1, version: 1 });
      await redis.del(store.keys.lease(member));
      const other = new EscalationEngine(client(), new AlertStore(redis, namespace, SHORT), { leaseMs: 5_000 });
      expect((await other.tick()).escalated).toBe(2);
      const keys = await dedupKeys(redis, store.keys.notificationsStream);
      expect(keys.filter((k) => k === `${msg.id}:L2`)).toHaveLength(1);
      expect(keys.filter((k) => k === `${msg.id}:L3`)).toHaveLength(1);
    } finally {
      if (child.exitCode === null) {
        process.kill(child.pid!, 'SIGCONT');
        child.kill('SIGKILL');
      }
    }
  });
});
