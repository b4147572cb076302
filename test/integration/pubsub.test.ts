import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PubSubMessage } from '../../shared/model/pubsub';
import { PUBSUB_LIMITS } from '../../electron/core/brokers/redis/pubsub';
import { REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { cleanupNamespace, createTestCore, type TestCore } from '../helpers/core';
import { waitFor } from '../helpers/wait';

describe('Redis pub/sub: channels, live tails, test publish', () => {
  const ns = uniqueNamespace('pubsub');
  const redis = new Redis(REDIS_URL);
  const listener = new Redis(REDIS_URL);
  const channel = `${ns}cognisync:notifications`;
  let t: TestCore;
  let readOnlyId: string;

  /** Every message pushed for a tail so far, and its dropped total. */
  const received = (tailId: string) => {
    const batches = t.events('pubsub.messages').flatMap((e) => e.batches).filter((b) => b.tailId === tailId);
    return { messages: batches.flatMap((b) => b.messages) as PubSubMessage[], dropped: batches.reduce((sum, b) => sum + b.dropped, 0), batches: batches.length };
  };

  beforeAll(async () => {
    await listener.subscribe(`${ns}custom.events`);
    // Previews as they are: masking (which withholds binary ones) has its own tests, masking*.test.ts.
    t = await createTestCore(ns, { amqp: null, managementUrl: null, masking: { paths: [], values: [] } });
    const added = await t.core.call('environments.add', { name: `RO ${ns}`, production: true, namespace: ns, redis: { url: REDIS_URL } });
    if (!added.ok) throw new Error(added.error.message);
    readOnlyId = added.value.id;
    await t.core.startRuntimes([t.envId, readOnlyId]);
    await waitFor(() => t.core.runtime(t.envId).redis?.isReady && t.core.runtime(readOnlyId).redis?.isReady, 'connected');
  });
  afterAll(async () => {
    await t.close();
    listener.disconnect();
    redis.disconnect();
    await cleanupNamespace(ns);
  });

  it('lists the namespace channels with subscriber counts, and the seed 004 channels even unsubscribed', async () => {
    const result = await t.core.call('pubsub.channels', { envId: t.envId });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.channels).toContainEqual({ name: `${ns}custom.events`, subscribers: 1, isKnown: false });
    expect(result.value.channels).toContainEqual({ name: `${ns}cognisync:query-results`, subscribers: 0, isKnown: true });
    expect(result.value.channels.every((c) => c.name.startsWith(ns))).toBe(true);
    // PUBSUB NUMPAT is server-wide (other clients may hold patterns too), so: at least the one made here.
    await listener.psubscribe(`${ns}custom.*`);
    try {
      const withPattern = await t.core.call('pubsub.channels', { envId: t.envId });
      if (!withPattern.ok) throw new Error(withPattern.error.message);
      expect(withPattern.value.patternSubscriptions).toBeGreaterThanOrEqual(1);
      expect(Number.isInteger(withPattern.value.patternSubscriptions)).toBe(true);
    } finally {
      await listener.punsubscribe(`${ns}custom.*`);
    }
  });

  it('tails a channel: messages pushed in batches with previews, text and binary', async () => {
    const tail = await t.core.call('pubsub.startTail', { envId: t.envId, channel });
    if (!tail.ok) throw new Error(tail.error.message);
    const { tailId } = tail.value;
    const counted = await t.core.call('pubsub.channels', { envId: t.envId });
    expect(counted.ok && counted.value.channels.find((c) => c.name === channel)?.subscribers).toBe(1);
    await redis.publish(channel, JSON.stringify({ messageType: 'CACHE_INVALIDATION' }));
    await redis.publish(channel, Buffer.from([0xff, 0x00, 0xfe, 0x01]));
    await redis.publish(channel, 'x'.repeat(10_000));
    const got = await waitFor(() => (received(tailId).messages.length === 3 ? received(tailId) : undefined), 'three messages');
    expect(got.messages[0]).toMatchObject({ channel, pattern: null, encoding: 'text', preview: '{"messageType":"CACHE_INVALIDATION"}', truncated: false });
    expect(got.messages[1]).toMatchObject({ encoding: 'hex', preview: 'ff00fe01', size: 4 });
    expect(got.messages[2]).toMatchObject({ encoding: 'text', size: 10_000, truncated: true });
    expect(got.messages[2]!.preview).toHaveLength(PUBSUB_LIMITS.previewBytes);
    expect((await t.core.call('pubsub.stopTail', { envId: t.envId, tailId })).ok).toBe(true);
    expect(t.core.runtime(t.envId).pubsub!.hasSubscriber).toBe(false);
  });

  it('caps a flush at 200 messages per tail and counts the rest as dropped', async () => {
    const tail = await t.core.call('pubsub.startTail', { envId: t.envId, channel: `${ns}flood`, isPattern: false });
    if (!tail.ok) throw new Error(tail.error.message);
    const pipeline = redis.pipeline();
    for (let i = 0; i < 2000; i++) pipeline.publish(`${ns}flood`, String(i));
    await pipeline.exec();
    const got = await waitFor(() => {
      const r = received(tail.value.tailId);
      return r.messages.length + r.dropped === 2000 ? r : undefined;
    }, 'every message delivered or counted');
    expect(got.dropped).toBeGreaterThan(0);
    for (const e of t.events('pubsub.messages')) for (const b of e.batches) expect(b.messages.length).toBeLessThanOrEqual(PUBSUB_LIMITS.maxPerTailPerFlush);
    await t.core.call('pubsub.stopTail', { envId: t.envId, tailId: tail.value.tailId });
  });

  it('tails a pattern', async () => {
    const tail = await t.core.call('pubsub.startTail', { envId: t.envId, channel: `${ns}cognisync:*`, isPattern: true });
    if (!tail.ok) throw new Error(tail.error.message);
    await redis.publish(`${ns}cognisync:query-results`, '{"q":1}');
    const got = await waitFor(() => (received(tail.value.tailId).messages.length === 1 ? received(tail.value.tailId) : undefined), 'pattern message');
    expect(got.messages[0]).toMatchObject({ channel: `${ns}cognisync:query-results`, pattern: `${ns}cognisync:*` });
    await t.core.call('pubsub.stopTail', { envId: t.envId, tailId: tail.value.tailId });
  });

  it('expires a tail nobody keeps alive', async () => {
    const tail = await t.core.call('pubsub.startTail', { envId: t.envId, channel });
    if (!tail.ok) throw new Error(tail.error.message);
    const alive = await t.core.call('pubsub.keepTailsAlive', { envId: t.envId, tailIds: [tail.value.tailId, 'gone'] });
    expect(alive.ok && alive.value.alive).toEqual([tail.value.tailId]);
    const service = t.core.runtime(t.envId).pubsub!;
    const realNow = Date.now;
    Date.now = () => realNow() + PUBSUB_LIMITS.tailTtlMs + 1000;
    try {
      service.expire();
    } finally {
      Date.now = realNow;
    }
    await waitFor(() => service.tailCount === 0 && !service.hasSubscriber, 'tail expired, subscriber closed');
  });

  it('publishes a test message, but not on a read-only environment, not too big, not outside the namespace', async () => {
    const ok = await t.core.call('pubsub.publish', { envId: t.envId, channel: `${ns}custom.events`, message: '{"test":true}' });
    expect(ok.ok && ok.value).toEqual({ channel: `${ns}custom.events`, receivers: 1 });
    const readOnly = await t.core.call('pubsub.publish', { envId: readOnlyId, channel: `${ns}custom.events`, message: '{}' });
    expect(!readOnly.ok && readOnly.error.code).toBe('READ_ONLY');
    const outside = await t.core.call('pubsub.publish', { envId: t.envId, channel: 'someone-else:channel', message: '{}' });
    expect(!outside.ok && outside.error.code).toBe('VALIDATION');
    const big = await t.core.call('pubsub.publish', { envId: t.envId, channel: `${ns}custom.events`, message: 'x'.repeat(70_000) });
    expect(!big.ok && big.error.code).toBe('VALIDATION');
    // Tailing is reading: allowed on the read-only environment.
    const tail = await t.core.call('pubsub.startTail', { envId: readOnlyId, channel });
    expect(tail.ok).toBe(true);
  });
});
