import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptPayload } from '../../electron/core/payload-crypto';
import { STREAM_ENTRY_LIMITS } from '../../shared/model/stream-entries';
import { REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { cleanupNamespace, createTestCore, type TestCore } from '../helpers/core';
import { waitFor } from '../helpers/wait';

/** The stream entry browser (issue 21.8, RedisInsight's view) on the real Redis. */
describe('stream entries', () => {
  const ns = uniqueNamespace('entries');
  const name = `${ns}security.events`;
  const key = randomBytes(32);
  const redis = new Redis(REDIS_URL);
  const ids: string[] = [];
  let t: TestCore;

  beforeAll(async () => {
    for (let i = 0; i < 25; i++) ids.push((await redis.xadd(name, '*', 'data', JSON.stringify({ event_id: `e-${i}` }), 'source', `system-${i}`))!);
    // Previews as they are: masking (which withholds binary ones) has its own tests, masking*.test.ts.
    t = await createTestCore(ns, { amqp: null, managementUrl: null, payloadKey: key.toString('hex'), masking: { paths: [], values: [] } });
    await waitFor(() => t.core.runtime(t.envId).redis?.isReady, 'connected');
  });
  afterAll(async () => {
    await t.close();
    redis.disconnect();
    await cleanupNamespace(ns);
  });
  const call = (params: Record<string, unknown>) => t.core.call('streams.entries', { envId: t.envId, stream: name, ...params });

  it('pages newest first with an exclusive cursor, every field in order, and the length', async () => {
    const first = await call({ count: 10 });
    if (!first.ok) throw new Error(first.error.message);
    expect(first.value.length).toBe(25);
    expect(first.value.entries.map((e) => e.id)).toEqual(ids.slice(15).reverse());
    const payload = '{"event_id":"e-24"}';
    expect(first.value.entries[0]!.fields).toEqual([
      { name: 'data', size: payload.length, preview: payload, encoding: 'text', truncated: false },
      { name: 'source', size: 9, preview: 'system-24', encoding: 'text', truncated: false },
    ]);
    expect(first.value.entries[0]).toMatchObject({ fieldCount: 2, size: 4 + payload.length + 6 + 9 });
    expect(first.value.entries[0]!.at).toBe(Number(ids[24]!.split('-')[0]));
    const seen = [...first.value.entries];
    let after = first.value.nextAfter;
    while (after) {
      const next = await call({ count: 10, after });
      if (!next.ok) throw new Error(next.error.message);
      seen.push(...next.value.entries);
      after = next.value.nextAfter;
    }
    expect(seen.map((e) => e.id)).toEqual([...ids].reverse());
  });

  it('reads oldest first, and from a typed id or millisecond time', async () => {
    const oldest = await call({ order: 'oldest', count: 3 });
    expect(oldest.ok && oldest.value.entries.map((e) => e.id)).toEqual(ids.slice(0, 3));
    const fromId = await call({ order: 'oldest', from: ids[10], count: 2 });
    expect(fromId.ok && fromId.value.entries.map((e) => e.id)).toEqual(ids.slice(10, 12));
    // Newest first from a time: entries at or before it.
    const ms = ids[10]!.split('-')[0]!;
    const fromTime = await call({ order: 'newest', from: ms, count: 1 });
    expect(fromTime.ok && fromTime.value.entries[0]!.id.split('-')[0]).toBe(ms);
    expect(await call({ from: 'yesterday' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  it('shows binary values as hex, cuts huge ones at the preview limit, opens encrypted payloads, and says how many fields a wide entry has', async () => {
    const odd = `${ns}odd`;
    const huge = Buffer.alloc(3 * 1024 * 1024, 'x');
    const wide: string[] = [];
    for (let i = 0; i < STREAM_ENTRY_LIMITS.maxFields + 5; i++) wide.push(`f${i}`, String(i));
    await redis.xadd(odd, '*', 'bin', Buffer.from([0, 1, 2, 0xff]), 'huge', huge);
    await redis.xadd(odd, '*', 'data', encryptPayload(Buffer.from('{"secret":true}'), key));
    await redis.xadd(odd, '*', ...wide);
    const page = await t.core.call('streams.entries', { envId: t.envId, stream: odd, order: 'oldest', count: 10, previewBytes: 1024 });
    if (!page.ok) throw new Error(page.error.message);
    const [binary, sealed, many] = page.value.entries;
    expect(binary!.fields[0]).toMatchObject({ name: 'bin', encoding: 'hex', preview: '000102ff', size: 4, truncated: false });
    expect(binary!.fields[1]).toMatchObject({ name: 'huge', size: huge.length, truncated: true });
    expect(binary!.fields[1]!.preview.length).toBe(1024);
    expect(binary!.size).toBe(3 + 4 + 4 + huge.length);
    expect(sealed!.fields[0]).toMatchObject({ name: 'data', decrypted: true, preview: '{"secret":true}' });
    expect(many!.fields.length).toBe(STREAM_ENTRY_LIMITS.maxFields);
    expect(many!.fieldCount).toBe(STREAM_ENTRY_LIMITS.maxFields + 5);
    // Opened on its own, the huge value comes with the large preview.
    const one = await t.core.call('streams.entries', { envId: t.envId, stream: odd, order: 'oldest', from: binary!.id, count: 1, previewBytes: STREAM_ENTRY_LIMITS.maxPreviewBytes });
    expect(one.ok && one.value.entries[0]!.fields[1]!.preview.length).toBe(STREAM_ENTRY_LIMITS.maxPreviewBytes);
  });

  it('ends a page early at the byte budget and says where to go on', async () => {
    const big = `${ns}big`;
    const value = Buffer.alloc(200 * 1024, 'y');
    for (let i = 0; i < 10; i++) await redis.xadd(big, '*', 'data', value);
    const page = await t.core.call('streams.entries', { envId: t.envId, stream: big, count: 10, previewBytes: STREAM_ENTRY_LIMITS.maxPreviewBytes });
    if (!page.ok) throw new Error(page.error.message);
    expect(page.value.entries.length).toBeLessThan(10);
    expect(page.value.entries.length).toBeGreaterThan(0);
    expect(page.value.nextAfter).toBe(page.value.entries.at(-1)!.id);
    const rest = await t.core.call('streams.entries', { envId: t.envId, stream: big, count: 10, previewBytes: STREAM_ENTRY_LIMITS.maxPreviewBytes, after: page.value.nextAfter! });
    expect(rest.ok && rest.value.entries.length + page.value.entries.length).toBe(10);
  });

  it('tells a deleted stream and a key of another type from an empty stream', async () => {
    const empty = `${ns}empty`;
    await redis.xgroup('CREATE', empty, 'g', '$', 'MKSTREAM');
    expect(await t.core.call('streams.entries', { envId: t.envId, stream: empty })).toMatchObject({ ok: true, value: { length: 0, entries: [], nextAfter: null } });
    await redis.del(empty);
    expect(await t.core.call('streams.entries', { envId: t.envId, stream: empty })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const plain = `${ns}plain`;
    await redis.set(plain, 'x');
    expect(await t.core.call('streams.entries', { envId: t.envId, stream: plain })).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringContaining('not a stream') } });
  });
});
