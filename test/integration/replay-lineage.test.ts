import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DLQ_FIELDS, REPLAY_FIELDS, REPLAY_LINEAGE_FIELD } from '../../shared/model/dead-letter';
import { REPLAY_JOB_FIELD } from '../../shared/model/replay-jobs';
import { appendLineage, lineageChain, LINEAGE_LIMITS, parseLineage, type StoredStep } from '../../shared/model/replay-lineage';
import { REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { cleanupNamespace, createTestCore, type TestCore } from '../helpers/core';
import { waitFor } from '../helpers/wait';

const BINARY = Buffer.from([0x00, 0xff, 0x10, 0x80, 0x7f, 0xfe, 0x0a]);

/**
 * Issue 20, lineage: every replay path (one-shot, job, edited) appends a step to the entry's
 * `replay_lineage` — why it was dead-lettered, who replayed it, when, with which job — and the
 * DLQ detail reads it back, through the core, on the real Redis.
 */
describe('replay lineage on Redis DLQ streams (issue 20)', () => {
  const ns = uniqueNamespace('lineage');
  const origin = `${ns}security.events`;
  const dlq = `${origin}.dlq`;
  const group = 'event-processors';
  const redis = new Redis(REDIS_URL);
  let t: TestCore;

  const call = async <T,>(result: Promise<{ ok: true; value: T } | { ok: false; error: { code: string; message: string } }>): Promise<T> => {
    const r = await result;
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
    return r.value;
  };
  const analyst = (analystName: string) => call(t.core.call('settings.update', { analystName }));
  /** Delivers every new entry of the origin to the group `times` times (pending, not acked). */
  const deliver = async (times: number) => {
    await redis.xreadgroup('GROUP', group, 'c1', 'COUNT', 100, 'STREAMS', origin, '>');
    for (let i = 1; i < times; i++) await redis.xreadgroup('GROUP', group, 'c1', 'COUNT', 100, 'STREAMS', origin, '0');
  };
  /** The console's "move to DLQ": entries delivered more than `minDeliveries` times; the new DLQ id. */
  const moveToDlq = async (minDeliveries: number) => {
    const moved = await call(t.core.call('streams.moveToDeadLetter', { envId: t.envId, stream: origin, group, minDeliveries }));
    expect(moved.moved).toBe(1);
    const newest = (await redis.xrevrange(dlq, '+', '-', 'COUNT', 1)) as [string, string[]][];
    return newest[0]![0];
  };
  const fieldsOf = async (stream: string, id: string) => {
    const raw = (await redis.xrangeBuffer(stream, id, id)) as unknown as [Buffer, Buffer[]][];
    const map = new Map<string, Buffer>();
    const f = raw[0]![1];
    for (let i = 0; i + 1 < f.length; i += 2) map.set(f[i]!.toString(), f[i + 1]!);
    return map;
  };
  const newestIn = async (stream: string) => ((await redis.xrevrange(stream, '+', '-', 'COUNT', 1)) as [string, string[]][])[0]![0];

  beforeAll(async () => {
    t = await createTestCore(ns, { amqp: null, managementUrl: null, masking: { paths: [], values: [] } }, { replayJobOptions: { shouldSupervise: true, pollMs: 100 } });
    await t.core.startRuntimes([t.envId]);
    await waitFor(() => t.core.runtime(t.envId).redis?.isReady, 'connected');
    await redis.xgroup('CREATE', origin, group, '0', 'MKSTREAM');
  });
  afterAll(async () => {
    await t.close();
    redis.disconnect();
    await cleanupNamespace(ns);
  });

  it('dead-lettered, replayed by A, dead-lettered again, replayed by a job B started: both steps, in order, with the reasons, who and the job', async () => {
    const payload = JSON.stringify({ event_type: 'login', user: 'u1' });
    const originalId = (await redis.xadd(origin, '*', 'data', payload, 'raw', BINARY))!;
    await deliver(2);
    const firstDlqId = await moveToDlq(1);

    await analyst('Ana');
    const first = await call(t.core.call('dlq.replay', { envId: t.envId, source: dlq, ids: [firstDlqId] }));
    expect(first).toMatchObject({ replayed: 1, failed: [] });
    const replayedId = await newestIn(origin);
    const once = await fieldsOf(origin, replayedId);
    // Every other field byte for byte; the marks as before; the lineage added.
    expect(once.get('data')!.toString()).toBe(payload);
    expect(once.get('raw')!.equals(BINARY)).toBe(true);
    expect(once.get(REPLAY_FIELDS.count)!.toString()).toBe('1');
    expect(once.get(REPLAY_FIELDS.of)!.toString()).toBe(`${dlq}/${firstDlqId}`);
    expect([...once.keys()].some((name) => name.startsWith('dlq_'))).toBe(false);
    const afterFirst = parseLineage(once.get(REPLAY_LINEAGE_FIELD)!.toString());
    expect(afterFirst.steps).toHaveLength(1);
    expect(afterFirst.steps[0]).toMatchObject({ dlq, dlqId: firstDlqId, originStream: origin, originId: originalId, originGroup: group, error: 'moved by operator: delivered more than 1 times', attempts: 2, job: null, isEdited: false });
    expect(afterFirst.steps[0]!.replayedBy).toMatch(/^Ana \(/);

    await deliver(3);
    const secondDlqId = await moveToDlq(2);
    await analyst('Ben');
    const job = await call(t.core.call('replays.start', { envId: t.envId, source: dlq, selection: { kind: 'ids', ids: [secondDlqId] }, maxReplays: 3, force: false }));
    expect(job.createdBy).toMatch(/^Ben \(/);
    await waitFor(async () => {
      const j = await call(t.core.call('replays.get', { envId: t.envId, id: job.id }));
      return j.state === 'done' ? j : null;
    }, 'job done', 30_000);
    const twiceId = await newestIn(origin);
    const twice = await fieldsOf(origin, twiceId);
    expect(twice.get(REPLAY_FIELDS.count)!.toString()).toBe('2');
    expect(twice.get(REPLAY_JOB_FIELD)!.toString()).toBe(job.id);
    expect(twice.get('raw')!.equals(BINARY)).toBe(true);

    // Dead-lettered a third time: the DLQ detail shows the two replays, then its own dead-lettering.
    await deliver(4);
    const thirdDlqId = await moveToDlq(3);
    const shown = await call(t.core.call('dlq.show', { envId: t.envId, source: dlq, id: thirdDlqId }));
    const steps = shown.lineage!.steps;
    expect(steps.map((s) => [s.dlqId, s.error, s.attempts, s.job])).toEqual([
      [firstDlqId, 'moved by operator: delivered more than 1 times', 2, null],
      [secondDlqId, 'moved by operator: delivered more than 2 times', 3, job.id],
    ]);
    expect(steps[0]!.replayedBy).toMatch(/^Ana \(/);
    expect(steps[1]!.replayedBy).toMatch(/^Ben \(/);
    expect(steps[1]!.originId).toBe(replayedId);
    expect(Date.parse(steps[0]!.replayedAt!)).toBeLessThanOrEqual(Date.parse(steps[1]!.replayedAt!));
    // The lineage is not listed among the other fields.
    expect(Object.keys(shown.fields)).not.toContain(REPLAY_LINEAGE_FIELD);
    const chain = lineageChain(shown.lineage, shown).map((l) => l.text);
    expect(chain[0]).toBe(`original ${origin}/${originalId}`);
    expect(chain[2]).toMatch(/^replayed .* by Ana \(/);
    expect(chain[4]).toMatch(new RegExp(`^replayed .* by Ben \\(.*\\) \\[job ${job.id}\\]$`));
    expect(chain[5]).toMatch(/^dead-lettered again .*\(moved by operator: delivered more than 3 times, 4 attempts, group event-processors\)$/);
  });

  it('writes what the shared append writes, keeps a malformed value as a note and the last 20 steps', async () => {
    const deadLetter = (lineage: string) =>
      redis.xadd(dlq, '*', 'data', '{"n":1}', 'raw', BINARY, REPLAY_LINEAGE_FIELD, lineage, DLQ_FIELDS.originStream, origin, DLQ_FIELDS.originId, '5-0', DLQ_FIELDS.error, 'schema: é missing', DLQ_FIELDS.attempts, '3', DLQ_FIELDS.failedAt, '2026-12-07T10:00:00.000Z').then((id) => id!);
    let twenty: string | null = null;
    for (let n = 0; n < LINEAGE_LIMITS.maxSteps; n++) twenty = appendLineage(twenty, { dlq, dlq_id: `${n}-0`, replayed_at: '2026-12-07T09:00:00.000Z', replayed_by: 'old', dlq_error: `e${n}` });
    const full = await deadLetter(twenty!);
    const broken = await deadLetter('{"not": "a list"');
    await analyst('Ana');
    const outcome = await call(t.core.call('dlq.replay', { envId: t.envId, source: dlq, ids: [full, broken] }));
    expect(outcome).toMatchObject({ replayed: 2, failed: [] });
    const replayed = ((await redis.xrevrange(origin, '+', '-', 'COUNT', 2)) as [string, string[]][]).reverse();
    const lineageOf = async (id: string) => (await fieldsOf(origin, id)).get(REPLAY_LINEAGE_FIELD)!.toString();

    const cut = parseLineage(await lineageOf(replayed[0]![0]));
    expect(cut.omitted).toBe(1);
    expect(cut.steps).toHaveLength(LINEAGE_LIMITS.maxSteps);
    expect(cut.steps[0]!.dlqId).toBe('1-0');
    const last = cut.steps.at(-1)!;
    expect(last).toMatchObject({ dlqId: full, error: 'schema: é missing', attempts: 3 });
    // The Lua and the shared append (the dry-run preview's) agree on the same input.
    const expected: StoredStep = { dlq, dlq_id: full, dlq_origin_stream: origin, dlq_origin_id: '5-0', dlq_error: 'schema: é missing', dlq_attempts: '3', dlq_failed_at: '2026-12-07T10:00:00.000Z', replayed_at: last.replayedAt!, replayed_by: last.replayedBy! };
    expect(cut).toEqual(parseLineage(appendLineage(twenty, expected)));

    const noted = parseLineage(await lineageOf(replayed[1]![0]));
    expect(noted.notes).toEqual(['earlier lineage unreadable, kept as text: {"not": "a list"']);
    expect(noted.steps.map((s) => s.dlqId)).toEqual([broken]);
    expect((await fieldsOf(origin, replayed[1]![0])).get('raw')!.equals(BINARY)).toBe(true);
  });

  it('an edited replay and a job dry run carry the lineage too', async () => {
    const id = (await redis.xadd(dlq, '*', 'data', '{"n":2}', DLQ_FIELDS.originStream, origin, DLQ_FIELDS.error, 'schema: bad', DLQ_FIELDS.attempts, '1'))!;
    await analyst('Cy');
    const preview = await call(t.core.call('replays.dryRun', { envId: t.envId, source: dlq, selection: { kind: 'ids', ids: [id] }, maxReplays: 3, force: false }));
    const added = preview.differences[0]!.added[REPLAY_LINEAGE_FIELD]!;
    expect(parseLineage(added).steps).toEqual([expect.objectContaining({ dlqId: id, error: 'schema: bad', job: '(this job)' })]);
    expect(parseLineage(added).steps[0]!.replayedBy).toMatch(/^Cy \(/);
    expect(await redis.xlen(dlq)).toBeGreaterThan(0);

    const edited = await call(t.core.call('dlq.replayEdited', { envId: t.envId, source: dlq, id, payload: '{"n":3}' }));
    expect(edited.status).toBe('replayed');
    const fields = await fieldsOf(origin, edited.newId!);
    expect(fields.get('data')!.toString()).toBe('{"n":3}');
    expect(parseLineage(fields.get(REPLAY_LINEAGE_FIELD)!.toString()).steps).toEqual([expect.objectContaining({ dlqId: id, error: 'schema: bad', attempts: 1, isEdited: true })]);
  });
});
