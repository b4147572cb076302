import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DLQ_FIELDS } from '../../shared/model/dead-letter';
import { REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { cleanupNamespace, createTestCore, type TestCore, callConfirmed } from '../helpers/core';
import { waitFor } from '../helpers/wait';
import { randomUUID } from 'node:crypto';
import { createRandom, securityEvent } from '../../electron/core/demo/message-factory';

const BINARY = Buffer.from([0x00, 0xff, 0x10, 0x80, 0x7f, 0xfe, 0x0a]);

describe('dead letters on Redis DLQ streams: browse, show, replay copy → remove, purge', () => {
  const ns = uniqueNamespace('dlq');
  const origin = `${ns}security.events`;
  const dlq = `${origin}.dlq`;
  const redis = new Redis(REDIS_URL);
  let t: TestCore;
  let readOnlyId: string;

  /** Dead-letters an entry the way the workers and the console's "move to DLQ" do. */
  const deadLetter = (payload: string | Buffer, error = 'schema: missing event_type', extra: (string | Buffer)[] = []) =>
    redis.xadd(dlq, '*', 'data', payload, ...extra, DLQ_FIELDS.originStream, origin, DLQ_FIELDS.originGroup, 'event-processors', DLQ_FIELDS.originId, '1-0', DLQ_FIELDS.error, error, DLQ_FIELDS.attempts, '3', DLQ_FIELDS.failedAt, new Date().toISOString());

  beforeAll(async () => {
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
    redis.disconnect();
    await cleanupNamespace(ns);
  });

  it('lists the DLQ streams and pages through one newest or oldest first with an exclusive cursor', async () => {
    for (let i = 0; i < 7; i++) await deadLetter(JSON.stringify({ n: i }));
    await t.waitForOverview((o) => (o.redis.streams ?? []).some((s) => s.name === dlq && s.length === 7), 'dlq sampled');
    const sources = await t.core.call('dlq.sources', { envId: t.envId });
    expect(sources.ok && sources.value).toContainEqual({ name: dlq, kind: 'redis-stream', length: 7, origin });
    const first = await t.core.call('dlq.list', { envId: t.envId, source: dlq, count: 5 });
    if (!first.ok) throw new Error(first.error.message);
    expect(first.value.entries.map((e) => JSON.parse(e.payload!.preview).n)).toEqual([6, 5, 4, 3, 2]);
    expect(first.value.entries[0]).toMatchObject({ originStream: origin, originGroup: 'event-processors', error: 'schema: missing event_type', attempts: 3, replayCount: 0 });
    const second = await t.core.call('dlq.list', { envId: t.envId, source: dlq, count: 5, after: first.value.nextAfter! });
    expect(second.ok && second.value.entries.map((e) => JSON.parse(e.payload!.preview).n)).toEqual([1, 0]);
    expect(second.ok && second.value.nextAfter).toBeNull();
    const oldest = await t.core.call('dlq.list', { envId: t.envId, source: dlq, order: 'oldest', count: 2 });
    expect(oldest.ok && oldest.value.entries.map((e) => JSON.parse(e.payload!.preview).n)).toEqual([0, 1]);
    const notDlq = await t.core.call('dlq.list', { envId: t.envId, source: origin });
    expect(!notDlq.ok && notDlq.error.code).toBe('VALIDATION');
  });

  it('shows a binary payload as hex, and replay puts the bytes back in the origin unchanged, with replay marks, removed from the DLQ', async () => {
    const id = (await deadLetter(BINARY))!;
    const shown = await t.core.call('dlq.show', { envId: t.envId, source: dlq, id });
    expect(shown.ok && shown.value.payload).toEqual({ size: BINARY.length, preview: BINARY.toString('hex'), encoding: 'hex', truncated: false });
    const dry = await t.core.call('dlq.replay', { envId: t.envId, source: dlq, ids: [id], dryRun: true });
    expect(dry.ok && dry.value).toMatchObject({ dryRun: true, replayed: 1, targets: { [origin]: 1 } });
    expect(await redis.xlen(origin)).toBe(0);
    const replayed = await t.core.call('dlq.replay', { envId: t.envId, source: dlq, ids: [id] });
    expect(replayed.ok && replayed.value).toMatchObject({ replayed: 1, skipped: 0, failed: [], targets: { [origin]: 1 } });
    const [[, fields]] = (await redis.xrangeBuffer(origin, '-', '+')) as unknown as [[Buffer, Buffer[]]];
    const map = new Map<string, Buffer>();
    for (let i = 0; i < fields.length; i += 2) map.set(fields[i]!.toString(), fields[i + 1]!);
    expect(map.get('data')!.equals(BINARY)).toBe(true);
    expect(map.get('replay_count')!.toString()).toBe('1');
    expect(map.get('replay_of')!.toString()).toBe(`${dlq}/${id}`);
    expect([...map.keys()].some((k) => k.startsWith('dlq_'))).toBe(false);
    expect(await redis.xrange(dlq, id, id)).toEqual([]);
  });

  it('two consoles replaying the same selection replay each entry once; the second sees them skipped', async () => {
    const ids = [];
    for (let i = 0; i < 50; i++) ids.push((await deadLetter(`{"race":${i}}`))!);
    const before = await redis.xlen(origin);
    const [a, b] = await Promise.all([
      t.core.call('dlq.replay', { envId: t.envId, source: dlq, ids }),
      t.core.call('dlq.replay', { envId: t.envId, source: dlq, ids }),
    ]);
    if (!a.ok || !b.ok) throw new Error('replay failed');
    expect(a.value.replayed + b.value.replayed).toBe(50);
    expect(a.value.skipped + b.value.skipped).toBe(50);
    expect((await redis.xlen(origin)) - before).toBe(50);
  });

  it('refuses past the loop guard unless forced, and replays to a chosen target', async () => {
    const id = (await deadLetter('{"again":true}', 'still failing', ['replay_count', '3']))!;
    const refused = await t.core.call('dlq.replay', { envId: t.envId, source: dlq, ids: [id], maxReplays: 3 });
    expect(refused.ok && refused.value.failed).toEqual([{ id, reason: expect.stringContaining('loop guard') }]);
    expect(await redis.xlen(dlq)).toBeGreaterThan(0);
    const target = `${ns}quarantine`;
    const forced = await t.core.call('dlq.replay', { envId: t.envId, source: dlq, ids: [id], maxReplays: 3, force: true, target });
    expect(forced.ok && forced.value.targets).toEqual({ [target]: 1 });
    const [[, fields]] = (await redis.xrange(target, '-', '+')) as [[string, string[]]];
    expect(fields[fields.indexOf('replay_count') + 1]).toBe('4');
  });

  it('a dry run runs the event check: an entry still invalid is named as failing again, a fixed one passes (issue 21.7)', async () => {
    const valid = { ...securityEvent(createRandom(3), Date.now()), severity: 'critical' };
    const originBefore = await redis.xlen(origin);
    const badId = (await deadLetter(JSON.stringify({ ...valid, id: randomUUID(), severity: 'urgent' }), 'schema: severity'))!;
    const goodId = (await deadLetter(JSON.stringify(valid)))!;
    const dry = await t.core.call('dlq.replay', { envId: t.envId, source: dlq, ids: [badId, goodId], dryRun: true });
    if (!dry.ok) throw new Error(dry.error.message);
    expect(dry.value).toMatchObject({ replayed: 2, check: { passes: 1, fails: 1, unchecked: 0, routes: { critical_events: 1 } } });
    expect(dry.value.check!.failures).toEqual([{ id: badId, reason: expect.stringMatching(/severity/) }]);
    // To a stream no processor reads: not checked, and said so.
    const elsewhere = await t.core.call('dlq.replay', { envId: t.envId, source: dlq, ids: [badId], target: `${ns}quarantine`, dryRun: true });
    expect(elsewhere.ok && elsewhere.value.check).toMatchObject({ passes: 0, fails: 0, unchecked: 1 });
    // A dry run with its check moves nothing.
    expect(await redis.xlen(origin)).toBe(originBefore);
    expect(await redis.xlen(dlq)).toBeGreaterThanOrEqual(2);
    // The editor's check: the payload as typed, against the entry's origin.
    const stillBad = await t.core.call('dlq.checkPayload', { envId: t.envId, source: dlq, id: badId, payload: JSON.stringify({ ...valid, severity: 'urgent' }) });
    expect(stillBad.ok && stillBad.value).toMatchObject({ verdict: 'fails', target: origin });
    const fixed = await t.core.call('dlq.checkPayload', { envId: t.envId, source: dlq, id: badId, payload: JSON.stringify(valid) });
    expect(fixed.ok && fixed.value).toMatchObject({ verdict: 'passes', target: origin, routes: expect.arrayContaining(['critical_events']) });
    const gone = await t.core.call('dlq.checkPayload', { envId: t.envId, source: dlq, id: '1-1', payload: '{}' });
    expect(!gone.ok && gone.error.code).toBe('NOT_FOUND');
    await redis.xdel(dlq, badId, goodId);
  });

  it('a read-only environment may browse and dry-run, not replay or purge', async () => {
    const id = (await deadLetter('{"ro":1}'))!;
    expect((await t.core.call('dlq.list', { envId: readOnlyId, source: dlq })).ok).toBe(true);
    expect((await t.core.call('dlq.replay', { envId: readOnlyId, source: dlq, ids: [id], dryRun: true })).ok).toBe(true);
    const replay = await t.core.call('dlq.replay', { envId: readOnlyId, source: dlq, ids: [id] });
    expect(!replay.ok && replay.error.code).toBe('READ_ONLY');
    const purge = await callConfirmed(t.core, 'dlq.purge', { envId: readOnlyId, source: dlq, olderThanMs: 0 });
    expect(!purge.ok && purge.error.code).toBe('READ_ONLY');
    expect((await redis.xrange(dlq, id, id)).length).toBe(1);
  });

  it('replays all, then purges older entries only with the name typed', async () => {
    const all = await callConfirmed(t.core, 'dlq.replay', { envId: t.envId, source: dlq, all: true });
    expect(all.ok && all.value.failed).toEqual([]);
    expect(await redis.xlen(dlq)).toBe(0);
    await deadLetter('{"old":1}');
    const wrong = await callConfirmed(t.core, 'dlq.purge', { envId: t.envId, source: dlq, olderThanMs: 0 }, 'nope');
    expect(!wrong.ok && wrong.error.code).toBe('VALIDATION');
    const kept = await callConfirmed(t.core, 'dlq.purge', { envId: t.envId, source: dlq, olderThanMs: 3_600_000 });
    expect(kept.ok && kept.value.removed).toBe(0);
    await new Promise((r) => setTimeout(r, 5));
    const purged = await callConfirmed(t.core, 'dlq.purge', { envId: t.envId, source: dlq, olderThanMs: 0 });
    expect(purged.ok && purged.value.removed).toBe(1);
  });
});
