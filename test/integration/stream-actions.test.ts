import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DLQ_FIELDS } from '../../shared/model/dead-letter';
import { REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { cleanupNamespace, createTestCore, type TestCore, callConfirmed } from '../helpers/core';

const BINARY = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

describe('operator actions on a stream (real Redis)', () => {
  const ns = uniqueNamespace('actions');
  const stream = `${ns}jobs`;
  const redis = new Redis(REDIS_URL);
  let t: TestCore;
  let readOnlyId: string;
  let ids: string[] = [];

  beforeAll(async () => {
    await redis.xgroup('CREATE', stream, 'workers', '$', 'MKSTREAM');
    ids = [];
    for (let i = 0; i < 20; i++) ids.push((await redis.xadd(stream, '*', 'data', i === 3 ? BINARY : `{"n":${i}}`))!);
    await redis.xreadgroup('GROUP', 'workers', 'dead-worker', 'COUNT', 100, 'STREAMS', stream, '>');
    // Five entries delivered five times: poison candidates.
    await redis.xclaim(stream, 'workers', 'dead-worker', 0, ...ids.slice(0, 5), 'RETRYCOUNT', 5);
    t = await createTestCore(ns, { amqp: null, managementUrl: null });
    const added = await t.core.call('environments.add', { name: `RO ${ns}`, production: true, namespace: ns, redis: { url: REDIS_URL } });
    if (!added.ok) throw new Error(added.error.message);
    expect(added.value.readOnly).toBe(true);
    readOnlyId = added.value.id;
    await t.core.startRuntimes([t.envId, readOnlyId]);
    await t.waitForOverview((o) => o.redis.status.state === 'connected', 'connected');
    const { waitFor } = await import('../helpers/wait');
    await waitFor(() => t.core.runtime(readOnlyId).redis?.isReady, 'read-only env connected');
  });
  afterAll(async () => {
    await t.close();
    await cleanupNamespace(ns);
    redis.disconnect();
  });

  const pendingCount = async () => Number(((await redis.xpending(stream, 'workers')) as [number])[0]);

  it('a read-only environment refuses every action in the core and nothing changes', async () => {
    const before = await pendingCount();
    const base = { envId: readOnlyId, stream, group: 'workers' };
    const refusals = await Promise.all([
      t.core.call('streams.claim', { ...base, consumer: 'x', minIdleMs: 0 }),
      t.core.call('streams.ack', { ...base, ids: [ids[0]!] }),
      t.core.call('streams.moveToDeadLetter', { ...base, minDeliveries: 1 }),
      callConfirmed(t.core, 'streams.deleteConsumer', { ...base, consumer: 'dead-worker', force: true }),
    ]);
    for (const refusal of refusals) expect(refusal).toMatchObject({ ok: false, error: { code: 'READ_ONLY' } });
    expect(await pendingCount()).toBe(before);
    // Reading stays allowed.
    expect((await t.core.call('streams.pending', { ...base, count: 5 })).ok).toBe(true);
  });

  it('moves entries delivered more than N times to the DLQ with origin metadata, payload bytes unchanged', async () => {
    const result = await t.core.call('streams.moveToDeadLetter', { envId: t.envId, stream, group: 'workers', minDeliveries: 3 });
    expect(result).toEqual({ ok: true, value: { moved: 5, scanned: 20, deadLetterStream: `${stream}.dlq` } });
    const dlq = await redis.xrangeBuffer(`${stream}.dlq`, '-', '+');
    expect(dlq).toHaveLength(5);
    const fields = (entry: [Buffer, Buffer[]]) => {
      const map = new Map<string, Buffer>();
      for (let i = 0; i < entry[1].length; i += 2) map.set(entry[1][i]!.toString(), entry[1][i + 1]!);
      return map;
    };
    const moved = dlq.map(fields);
    expect(moved.map((m) => m.get(DLQ_FIELDS.originId)!.toString())).toEqual(ids.slice(0, 5));
    expect(moved[0]!.get(DLQ_FIELDS.originStream)!.toString()).toBe(stream);
    expect(moved[0]!.get(DLQ_FIELDS.originGroup)!.toString()).toBe('workers');
    expect(moved[0]!.get(DLQ_FIELDS.attempts)!.toString()).toBe('5');
    expect(moved[3]!.get('data')!.equals(BINARY)).toBe(true);
    expect(await pendingCount()).toBe(15);
    // Running it again moves nothing: the entries are no longer pending.
    expect(await t.core.call('streams.moveToDeadLetter', { envId: t.envId, stream, group: 'workers', minDeliveries: 3 })).toMatchObject({ ok: true, value: { moved: 0 } });
  });

  it('claims idle entries to another consumer, acknowledges selected ones', async () => {
    expect(await t.core.call('streams.claim', { envId: t.envId, stream, group: 'workers', consumer: 'live-worker', minIdleMs: 0 })).toEqual({ ok: true, value: { claimed: 15, deletedIds: [] } });
    expect(await t.core.call('streams.ack', { envId: t.envId, stream, group: 'workers', ids: ids.slice(5, 8) })).toEqual({ ok: true, value: { acknowledged: 3 } });
    expect(await pendingCount()).toBe(12);
  });

  it('deletes a dead consumer, but not one holding pending entries unless forced', async () => {
    expect(await callConfirmed(t.core, 'streams.deleteConsumer', { envId: t.envId, stream, group: 'workers', consumer: 'dead-worker' })).toEqual({ ok: true, value: { droppedPending: 0 } });
    const refused = await callConfirmed(t.core, 'streams.deleteConsumer', { envId: t.envId, stream, group: 'workers', consumer: 'live-worker' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(!refused.ok && refused.error.message).toContain('12 pending entries');
    expect(await callConfirmed(t.core, 'streams.deleteConsumer', { envId: t.envId, stream, group: 'workers', consumer: 'live-worker', force: true })).toEqual({ ok: true, value: { droppedPending: 12 } });
    expect(await callConfirmed(t.core, 'streams.deleteConsumer', { envId: t.envId, stream, group: 'workers', consumer: 'ghost' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('names a missing group instead of failing vaguely', async () => {
    expect(await t.core.call('streams.claim', { envId: t.envId, stream, group: 'nope', consumer: 'x', minIdleMs: 0 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
