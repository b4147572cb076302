import { readFileSync } from 'node:fs';
import path from 'node:path';
import amqp from 'amqplib';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DLQ_FIELDS } from '../../shared/model/dead-letter';
import type { LocalAuditEntry, TeamAuditEntry } from '../../shared/model/audit';
import { AMQP_URL, REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { callConfirmed, cleanupNamespace, createTestCore, type TestCore } from '../helpers/core';
import { waitFor } from '../helpers/wait';

/**
 * Issue 14: every state-changing call leaves its audit entry, written by the dispatcher from the
 * contract's declaration: this console's hash-chained log and the environment's team stream.
 */
describe('audit trail of destructive and operator actions (real Redis, RabbitMQ, BullMQ)', () => {
  const ns = uniqueNamespace('audit');
  const redis = new Redis(REDIS_URL);
  const dlq = `${ns}security.events.dlq`;
  const origin = `${ns}security.events`;
  const rabbitQueue = `${ns}audit.purge-me`;
  const bullPrefix = `${ns}bull`;
  let t: TestCore;
  let bull: Queue;

  /** Local entries written after `seq`, oldest first. */
  const localSince = async (seq: number): Promise<LocalAuditEntry[]> => {
    const r = await t.core.call('audit.local', { count: 1000 });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.verification.ok).toBe(true);
    return r.value.entries.filter((e) => e.seq > seq).reverse();
  };
  const lastSeq = async () => (await localSince(0)).at(-1)?.seq ?? 0;
  const lastTeamId = async () => {
    const rows = (await redis.xrevrange(`${ns}watchfloor:audit`, '+', '-', 'COUNT', 1)) as [string, string[]][];
    return rows[0]?.[0] ?? '0-0';
  };
  /** Team entries after the given id, oldest first (read from the stream itself). */
  const teamAfter = async (id: string) => {
    const rows = (await redis.xrange(`${ns}watchfloor:audit`, `(${id}`, '+')) as [string, string[]][];
    return rows.map(([, fields]) => JSON.parse(fields[1]!) as Record<string, unknown>);
  };

  /** Runs `act` and returns the local and team entries it left. */
  const recorded = async (act: () => Promise<unknown>) => {
    const seq = await lastSeq();
    const teamId = await lastTeamId();
    await act();
    return { local: await localSince(seq), team: await teamAfter(teamId) };
  };

  beforeAll(async () => {
    t = await createTestCore(ns, { managementUrl: null });
    await waitFor(() => t.core.runtime(t.envId).redis?.isReady && t.core.runtime(t.envId).amqp?.isReady, 'connected');
  });
  afterAll(async () => {
    await bull?.obliterate({ force: true }).catch(() => undefined);
    await bull?.close();
    await t.close();
    const connection = await amqp.connect(AMQP_URL);
    try {
      const channel = await connection.createChannel();
      await channel.deleteQueue(rabbitQueue);
    } finally {
      await connection.close();
    }
    await cleanupNamespace(ns);
    redis.disconnect();
  });

  const deadLetter = (n: number) => redis.xadd(dlq, '*', 'data', `{"n":${n}}`, DLQ_FIELDS.originStream, origin, DLQ_FIELDS.error, 'schema: bad', DLQ_FIELDS.attempts, '3');

  it('dlq purge of 64 entries: one local and one team entry with who, where, how many, length before and after', async () => {
    for (let i = 0; i < 64; i++) await deadLetter(i);
    const named = await t.core.call('settings.update', { analystName: 'Night Shift' });
    expect(named.ok).toBe(true);
    const { local, team } = await recorded(async () => {
      const r = await callConfirmed(t.core, 'dlq.purge', { envId: t.envId, source: dlq, olderThanMs: 0 });
      expect(r.ok && r.value.removed).toBe(64);
    });
    expect(local).toHaveLength(1);
    expect(local[0]).toMatchObject({ action: 'dlq.purge', target: dlq, envId: t.envId, envName: `Test ${ns}`, who: expect.stringMatching(/^Night Shift \(/), before: { length: 64 }, after: { count: 64, length: 0 } });
    expect(team).toEqual([expect.objectContaining({ what: 'dlq.purge', alertId: '', target: dlq, count: 64, who: expect.stringMatching(/^Night Shift \(/), before: { length: 64 } })]);
    // The team stream is what `audit.team` (and the Audit screen) reads.
    const listed = await t.core.call('audit.team', { envId: t.envId, count: 100 });
    expect(listed.ok && listed.value.filter((e: TeamAuditEntry) => e.what === 'dlq.purge')).toEqual([expect.objectContaining({ target: dlq, count: 64, alertId: '' })]);
  });

  it('dlq replay: one entry with the count replayed; a dry run leaves none', async () => {
    for (let i = 0; i < 3; i++) await deadLetter(i);
    const dry = await recorded(async () => expect((await t.core.call('dlq.replay', { envId: t.envId, source: dlq, all: true, dryRun: true })).ok).toBe(true));
    expect(dry).toEqual({ local: [], team: [] });
    const { local, team } = await recorded(async () => {
      const r = await callConfirmed(t.core, 'dlq.replay', { envId: t.envId, source: dlq, all: true });
      expect(r.ok && r.value.replayed).toBe(3);
    });
    expect(local).toEqual([expect.objectContaining({ action: 'dlq.replay', target: dlq, after: expect.objectContaining({ count: 3, selection: 'all', targets: { [origin]: 3 } }) })]);
    expect(team).toEqual([expect.objectContaining({ what: 'dlq.replay', target: dlq, count: 3 })]);
  });

  it('RabbitMQ queue purge: one entry with the messages purged', async () => {
    const connection = await amqp.connect(AMQP_URL);
    try {
      const channel = await connection.createChannel();
      await channel.assertQueue(rabbitQueue, { durable: false });
      for (let i = 0; i < 7; i++) channel.sendToQueue(rabbitQueue, Buffer.from(String(i)));
      await waitFor(async () => (await channel.checkQueue(rabbitQueue)).messageCount === 7 || undefined, '7 messages queued');
    } finally {
      await connection.close();
    }
    const { local, team } = await recorded(async () => {
      const r = await callConfirmed(t.core, 'queues.purge', { envId: t.envId, queue: rabbitQueue });
      expect(r.ok && r.value.purged).toBe(7);
    });
    expect(local).toEqual([expect.objectContaining({ action: 'queues.purge', target: rabbitQueue, after: { count: 7 } })]);
    expect(team).toEqual([expect.objectContaining({ what: 'queues.purge', target: rabbitQueue, count: 7 })]);
  });

  it('BullMQ drain and pause: one entry each, with the counts before', async () => {
    const { hostname, port } = new URL(REDIS_URL);
    bull = new Queue('audit-jobs', { connection: { host: hostname, port: Number(port || 6379) }, prefix: bullPrefix });
    for (let i = 0; i < 4; i++) await bull.add('job', { n: i });
    await waitFor(async () => {
      const r = await t.core.call('bullmq.queues', { envId: t.envId });
      return r.ok && r.value.queues?.some((q) => q.name === 'audit-jobs' && q.waiting === 4) ? true : undefined;
    }, 'queue discovered');
    const drained = await recorded(async () => {
      const r = await callConfirmed(t.core, 'bullmq.drain', { envId: t.envId, queue: 'audit-jobs' });
      expect(r.ok && r.value.removed).toBe(4);
    });
    expect(drained.local).toEqual([expect.objectContaining({ action: 'bullmq.drain', target: 'audit-jobs', before: expect.objectContaining({ waiting: 4 }), after: { count: 4, includeDelayed: false } })]);
    expect(drained.team).toEqual([expect.objectContaining({ what: 'bullmq.drain', count: 4 })]);
    const paused = await recorded(async () => expect((await t.core.call('bullmq.pause', { envId: t.envId, queue: 'audit-jobs' })).ok).toBe(true));
    expect(paused.local).toEqual([expect.objectContaining({ action: 'bullmq.pause', target: 'audit-jobs', before: { isPaused: false }, after: { isPaused: true } })]);
    expect(paused.team).toHaveLength(1);
  });

  it('stream claim and ack: one entry each with the count', async () => {
    const stream = `${ns}jobs`;
    await redis.xgroup('CREATE', stream, 'workers', '$', 'MKSTREAM');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await redis.xadd(stream, '*', 'data', `{"n":${i}}`))!);
    await redis.xreadgroup('GROUP', 'workers', 'dead-worker', 'COUNT', 10, 'STREAMS', stream, '>');
    const claimed = await recorded(async () => {
      const r = await t.core.call('streams.claim', { envId: t.envId, stream, group: 'workers', consumer: 'rescuer', minIdleMs: 0 });
      expect(r.ok && r.value.claimed).toBe(3);
    });
    expect(claimed.local).toEqual([expect.objectContaining({ action: 'streams.claim', target: `${stream} / workers → rescuer`, after: expect.objectContaining({ count: 3 }) })]);
    expect(claimed.team).toEqual([expect.objectContaining({ what: 'streams.claim', count: 3 })]);
    const acked = await recorded(async () => {
      const r = await t.core.call('streams.ack', { envId: t.envId, stream, group: 'workers', ids });
      expect(r.ok && r.value.acknowledged).toBe(3);
    });
    expect(acked.local).toEqual([expect.objectContaining({ action: 'streams.ack', target: `${stream} / workers`, after: { count: 3, requested: 3 } })]);
    expect(acked.team).toEqual([expect.objectContaining({ what: 'streams.ack', count: 3 })]);
  });

  it('a refused call leaves nothing; a call failing at the broker leaves a local entry saying why', async () => {
    const refused = await recorded(async () => expect((await t.core.call('dlq.purge', { envId: t.envId, source: dlq, olderThanMs: 0, confirmToken: 'f'.repeat(32) })).ok).toBe(false));
    expect(refused).toEqual({ local: [], team: [] });
    const failed = await recorded(async () => {
      const r = await t.core.call('streams.claim', { envId: t.envId, stream: `${ns}jobs`, group: 'no-such-group', consumer: 'x', minIdleMs: 0 });
      expect(r.ok).toBe(false);
    });
    expect(failed.local).toEqual([expect.objectContaining({ action: 'streams.claim', after: { failed: expect.objectContaining({ code: expect.any(String) }) } })]);
    expect(failed.team).toEqual([]);
  });

  it('environment add, update and remove go to the local log, without secrets', async () => {
    const secret = 'hunter2-audit';
    const { local } = await recorded(async () => {
      const added = await t.core.call('environments.add', { name: `Audit ${ns}`, namespace: ns, redis: { url: `redis://:${secret}@127.0.0.1:1` } });
      if (!added.ok) throw new Error(added.error.message);
      const updated = await t.core.call('environments.update', { id: added.value.id, input: { name: `Audit ${ns} 2`, namespace: ns, redis: { url: `redis://:${secret}@127.0.0.1:2` } } });
      expect(updated.ok).toBe(true);
      expect((await t.core.call('environments.remove', { id: added.value.id })).ok).toBe(true);
    });
    expect(local.map((e) => [e.action, e.target, e.envName])).toEqual([
      ['environments.add', `Audit ${ns}`, `Audit ${ns}`],
      ['environments.update', `Audit ${ns} 2`, `Audit ${ns} 2`],
      ['environments.remove', `Audit ${ns} 2`, `Audit ${ns} 2`],
    ]);
    expect(local[0]!.after).toMatchObject({ namespace: ns, redis: true, amqp: false });
    expect(readFileSync(path.join(t.home, 'audit.jsonl'), 'utf8')).not.toContain(secret);
  });
});
