import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DLQ_FIELDS } from '../../shared/model/dead-letter';
import { parseLineage } from '../../shared/model/replay-lineage';
import { REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { callConfirmed, cleanupNamespace, createTestCore, type TestCore } from '../helpers/core';
import { waitFor } from '../helpers/wait';

const BINARY = Buffer.from([0x00, 0xff, 0x10, 0x80, 0x7f, 0xfe, 0x0a, 0x00]);

/** Search, grouping, export/import, replay of a search and purge of a selection on a real DLQ stream. */
describe('dead letters: search, groups, export/import', () => {
  const ns = uniqueNamespace('dlqsearch');
  const originA = `${ns}security.events`;
  const originB = `${ns}security.scans`;
  const dlq = `${originA}.dlq`;
  const copy = `${ns}restored.dlq`;
  const redis = new Redis(REDIS_URL);
  let t: TestCore;
  let readOnlyId = '';
  const ids: string[] = [];

  beforeAll(async () => {
    t = await createTestCore(ns, { amqp: null, managementUrl: null });
    const ro = await t.core.call('environments.add', { name: `RO ${ns}`, production: true, namespace: ns, redis: { url: REDIS_URL } });
    if (!ro.ok) throw new Error(ro.error.message);
    readOnlyId = ro.value.id;
    await t.core.startRuntimes([t.envId, readOnlyId]);
    await waitFor(() => t.core.runtime(t.envId).redis?.isReady && t.core.runtime(readOnlyId).redis?.isReady, 'connected');
    for (let i = 0; i < 30; i++) {
      const payload = i === 29 ? BINARY : JSON.stringify({ event_id: `evt-${i}`, event: { severity: i % 3 === 0 ? 'critical' : 'low' }, note: i === 7 ? 'Contains The Needle' : '' });
      const error = i % 2 === 0 ? `schema: missing event_type (attempt ${i})` : `timeout after ${1000 + i} ms`;
      ids.push((await redis.xadd(dlq, '*', 'data', payload, DLQ_FIELDS.originStream, i < 20 ? originA : originB, DLQ_FIELDS.error, error, DLQ_FIELDS.attempts, '3'))!);
    }
  });
  afterAll(async () => {
    await t.close();
    redis.disconnect();
    await cleanupNamespace(ns);
  });

  it('finds entries by JSON field path, payload text, error and origin; steps are bounded and resumable', async () => {
    const search = (match: object, extra: object = {}) => t.core.call('dlq.search', { envId: t.envId, source: dlq, match, ...extra });
    const critical = await search({ field: { path: 'event.severity', value: 'critical' } });
    expect(critical.ok && critical.value.matches.map((m) => m.id)).toEqual(ids.filter((_, i) => i % 3 === 0 && i !== 29).reverse());
    expect(critical.ok && critical.value).toMatchObject({ scanned: 30, total: 30, before: null });
    const text = await search({ text: 'the needle' });
    expect(text.ok && text.value.matches.map((m) => m.id)).toEqual([ids[7]]);
    const errors = await search({ error: 'timeout', origin: originB });
    expect(errors.ok && errors.value.matches).toHaveLength(5);
    const range = await search({ from: Number(ids[10]!.split('-')[0]), to: Number(ids[12]!.split('-')[0]) + 1, field: { path: 'event_id', value: 'evt-11' } });
    expect(range.ok && range.value.matches.map((m) => m.id)).toEqual([ids[11]]);
    // Bounded steps: 7 entries per call, resumed from the cursor, add up to the same answer.
    const seen: string[] = [];
    let before: string | undefined;
    let steps = 0;
    for (;;) {
      const step = await search({ field: { path: 'event.severity', value: 'critical' } }, { maxScan: 7, ...(before ? { before } : {}) });
      if (!step.ok) throw new Error(step.error.message);
      steps++;
      seen.push(...step.value.matches.map((m) => m.id));
      if (!step.value.before) break;
      before = step.value.before;
    }
    expect(steps).toBe(5);
    expect(seen).toEqual(critical.ok ? critical.value.matches.map((m) => m.id) : []);
  });

  it('groups by error shape and by origin with counts', async () => {
    const groups = await t.core.call('dlq.groups', { envId: t.envId, source: dlq });
    expect(groups.ok && groups.value.byError).toEqual([
      { key: 'schema: missing event_type (attempt <n>)', count: 15, example: expect.stringContaining('schema: missing event_type') },
      { key: 'timeout after <n> ms', count: 15, example: expect.stringContaining('timeout after') },
    ]);
    expect(groups.ok && groups.value.byOrigin).toEqual([
      { key: originA, count: 20 },
      { key: originB, count: 10 },
    ]);
    expect(groups.ok && groups.value).toMatchObject({ scanned: 30, total: 30, truncated: false });
  });

  it('exports to JSON lines and imports them back byte for byte; a bad line is named; read-only refuses', async () => {
    const exported = await t.core.call('dlq.export', { envId: t.envId, source: dlq, ids: [ids[29]!, ids[7]!, '1-1'] });
    if (!exported.ok) throw new Error(exported.error.message);
    expect(exported.value.exported).toBe(2);
    const refused = await t.core.call('dlq.import', { envId: readOnlyId, source: copy, lines: exported.value.lines });
    expect(!refused.ok && refused.error.code).toBe('READ_ONLY');
    const imported = await t.core.call('dlq.import', { envId: t.envId, source: copy, lines: `${exported.value.lines}not json\n` });
    expect(imported.ok && imported.value).toEqual({ imported: 2, failed: [{ line: 3, reason: expect.stringContaining('not an exported dead letter') }] });
    const raw = (await redis.xrangeBuffer(copy, '-', '+')) as unknown as [Buffer, Buffer[]][];
    const binary = raw.find(([, f]) => f[1]!.equals(BINARY));
    expect(binary).toBeDefined();
    const fields = binary![1].map((b) => b.toString('latin1'));
    expect(fields).toContain('dlq_imported_from');
    expect(fields[fields.indexOf('dlq_imported_from') + 1]).toBe(ids[29]);
    expect(fields[fields.indexOf(DLQ_FIELDS.error) + 1]).toBe('timeout after 1029 ms');
    const byMatch = await t.core.call('dlq.export', { envId: t.envId, source: dlq, match: { origin: originB } });
    expect(byMatch.ok && byMatch.value.exported).toBe(10);
  });

  it('replays what a search matched (dry run first, confirmation token), and purges a selection', async () => {
    const match = { field: { path: 'event.severity', value: 'critical' } };
    const dry = await t.core.call('dlq.replay', { envId: t.envId, source: dlq, match, dryRun: true });
    expect(dry.ok && dry.value).toMatchObject({ dryRun: true, replayed: 10 });
    const noToken = await t.core.call('dlq.replay', { envId: t.envId, source: dlq, match });
    expect(!noToken.ok && noToken.error.code).toBe('UNAUTHORIZED');
    const before = await redis.xlen(originA);
    const done = await callConfirmed(t.core, 'dlq.replay', { envId: t.envId, source: dlq, match });
    expect(done.ok && done.value.replayed).toBe(10);
    expect(await redis.xlen(originA)).toBe(before + 7);
    expect(await redis.xlen(dlq)).toBe(20);
    const purged = await callConfirmed(t.core, 'dlq.purgeIds', { envId: t.envId, source: dlq, ids: [ids[1]!, ids[2]!] });
    expect(purged.ok && purged.value.removed).toBe(2);
    expect(await redis.xlen(dlq)).toBe(18);
  });

  it('edits a dead letter before replaying it: JSON checked, origin gets the new payload, the original and the diff go to the audit log', async () => {
    const id = (await redis.xadd(dlq, '*', 'data', JSON.stringify({ event_id: 'fix-me', event_type: '' }), DLQ_FIELDS.originStream, originA, DLQ_FIELDS.error, 'schema: missing event_type'))!;
    const bad = await t.core.call('dlq.replayEdited', { envId: t.envId, source: dlq, id, payload: '{"event_id": "fix-me",' });
    expect(!bad.ok && bad.error).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('not valid JSON') });
    const ro = await t.core.call('dlq.replayEdited', { envId: readOnlyId, source: dlq, id, payload: '{}' });
    expect(!ro.ok && ro.error.code).toBe('READ_ONLY');
    const edited = JSON.stringify({ event_id: 'fix-me', event_type: 'aws_root_login_breach' });
    const done = await t.core.call('dlq.replayEdited', { envId: t.envId, source: dlq, id, payload: edited });
    expect(done.ok && done.value).toMatchObject({ status: 'replayed', target: originA, reEncrypted: false });
    const [[, fields]] = (await redis.xrevrange(originA, '+', '-', 'COUNT', 1)) as [[string, string[]]];
    expect(fields.slice(0, 6)).toEqual(['data', edited, 'replay_count', '1', 'replay_of', `${dlq}/${id}`]);
    // Then the lineage (issue 20): this replay's step, marked edited.
    expect(fields[6]).toBe('replay_lineage');
    expect(parseLineage(fields[7]!).steps).toEqual([expect.objectContaining({ dlqId: id, error: 'schema: missing event_type', isEdited: true })]);
    expect(fields).toHaveLength(8);
    expect(await redis.xrange(dlq, id, id)).toEqual([]);
    const local = await t.core.call('audit.local', { count: 5 });
    expect(local.ok && local.value.entries[0]).toMatchObject({
      action: 'dlq.replayEdited',
      target: `${dlq}/${id}`,
      before: { payload: JSON.stringify({ event_id: 'fix-me', event_type: '' }) },
      after: { status: 'replayed', diff: expect.stringContaining('+ {"event_id":"fix-me","event_type":"aws_root_login_breach"}') },
    });
    const again = await t.core.call('dlq.replayEdited', { envId: t.envId, source: dlq, id, payload: edited });
    expect(!again.ok && again.error.code).toBe('NOT_FOUND');
  });
});
