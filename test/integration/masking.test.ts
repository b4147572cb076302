import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DLQ_FIELDS } from '../../shared/model/dead-letter';
import { maskLabel } from '../../shared/model/masking';
import { REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { cleanupNamespace, createTestCore, type TestCore } from '../helpers/core';
import { waitFor } from '../helpers/wait';

/**
 * Masked fields with an audited reveal (issue 20): what a viewer, the CLI and a search get is masked
 * in the host; an operator reveals one message with a reason, recorded in both audit logs; a
 * replay moves the original bytes.
 */
describe('masked payload fields and the audited reveal', () => {
  const ns = uniqueNamespace('mask');
  const origin = `${ns}security.events`;
  const dlq = `${origin}.dlq`;
  const redis = new Redis(REDIS_URL);
  let t: TestCore;
  let viewerId: string;
  const secretEvent = JSON.stringify({ id: 'e-1', event_type: 'login', raw_data: { src_ip: '10.9.8.7' }, credentials: { user: 'svc', password: 'hunter2' }, contact: 'soc@corp.example.com' });
  const deadLetter = (payload: string, extra: string[] = []) =>
    redis.xadd(dlq, '*', 'data', payload, ...extra, DLQ_FIELDS.originStream, origin, DLQ_FIELDS.originGroup, 'event-processors', DLQ_FIELDS.originId, '1-0', DLQ_FIELDS.error, 'schema: bad', DLQ_FIELDS.attempts, '3', DLQ_FIELDS.failedAt, new Date().toISOString());

  beforeAll(async () => {
    t = await createTestCore(ns, { amqp: null, managementUrl: null });
    const added = await t.core.call('environments.add', { name: `viewer ${ns}`, namespace: ns, role: 'viewer', redis: { url: REDIS_URL } });
    if (!added.ok) throw new Error(added.error.message);
    viewerId = added.value.id;
    await t.core.startRuntimes([t.envId, viewerId]);
    await waitFor(() => t.core.runtime(t.envId).redis?.isReady && t.core.runtime(viewerId).redis?.isReady, 'connected');
  });
  afterAll(async () => {
    await t?.close();
    redis.disconnect();
    await cleanupNamespace(ns);
  });

  it('a new environment masks the seed defaults; list, show, search and stream entries answer masks', async () => {
    const view = await t.core.call('environments.list', {});
    expect(view.ok && view.value.find((e) => e.id === viewerId)?.masking?.paths).toContain('**.credentials.**');
    const id = (await deadLetter(secretEvent, ['token', 'Bearer abcdefghijklmnopqrstuvwxyz']))!;
    for (const envId of [t.envId, viewerId]) {
      const shown = await t.core.call('dlq.show', { envId, source: dlq, id });
      if (!shown.ok) throw new Error(shown.error.message);
      const payload = JSON.parse(shown.value.payload!.preview) as Record<string, unknown>;
      expect(payload).toEqual({ id: 'e-1', event_type: 'login', raw_data: { src_ip: maskLabel('ip') }, credentials: maskLabel('credentials'), contact: maskLabel('email') });
      expect(shown.value.fields.token).toBe(maskLabel('token'));
      const listed = await t.core.call('dlq.list', { envId, source: dlq, count: 10 });
      expect(listed.ok && listed.value.entries.find((e) => e.id === id)?.payload?.preview).toBe(shown.value.payload!.preview);
      const found = await t.core.call('dlq.search', { envId, source: dlq, match: { text: 'hunter2' } });
      if (!found.ok) throw new Error(found.error.message);
      // dlq-search matches the bytes; what it answers is masked. A viewer's text search keeps only
      // what it matches in what they see (else the match would tell the password).
      expect(found.value.matches.map((m) => m.id)).toEqual(envId === viewerId ? [] : [id]);
      expect(JSON.stringify(found.value.matches)).not.toContain('hunter2');
      const entries = await t.core.call('streams.entries', { envId, stream: dlq, count: 10 });
      if (!entries.ok) throw new Error(entries.error.message);
      expect(JSON.stringify(entries.value)).not.toMatch(/hunter2|soc@corp|10\.9\.8\.7|abcdefghijklmnop/);
    }
  });

  it('a viewer may not reveal nor export the original bytes; an operator reveals with a reason, written to both audit logs', async () => {
    const id = (await deadLetter(secretEvent))!;
    const refused = await t.core.call('payload.revealDeadLetter', { envId: viewerId, source: dlq, id, reason: 'incident 42' });
    expect(!refused.ok && refused.error.code).toBe('UNAUTHORIZED');
    const exported = await t.core.call('dlq.export', { envId: viewerId, source: dlq, ids: [id] });
    expect(!exported.ok && exported.error.code).toBe('UNAUTHORIZED');
    const noReason = await t.core.call('payload.revealDeadLetter', { envId: t.envId, source: dlq, id, reason: '' });
    expect(!noReason.ok && noReason.error.code).toBe('VALIDATION');

    const before = await t.core.call('audit.local', { count: 10_000 });
    const lastSeq = before.ok ? (before.value.entries.at(-1)?.seq ?? 0) : 0;
    const revealed = await t.core.call('payload.revealDeadLetter', { envId: t.envId, source: dlq, id, reason: 'incident 42: which account' });
    if (!revealed.ok) throw new Error(revealed.error.message);
    expect(revealed.value.entry.payload!.preview).toBe(secretEvent);
    expect(revealed.value.masked.sort()).toEqual(['**.credentials.**', 'email', 'ip@**.raw_data.**']);
    const local = await t.core.call('audit.local', { count: 10_000 });
    if (!local.ok) throw new Error(local.error.message);
    const mine = local.value.entries.filter((e) => e.seq > lastSeq && e.action === 'payload.reveal');
    expect(mine).toEqual([expect.objectContaining({ target: `${dlq}/${id}`, envId: t.envId, reason: 'incident 42: which account', after: { revealed: expect.arrayContaining(['**.credentials.**']) } })]);
    expect(JSON.stringify(mine)).not.toContain('hunter2');
    const team = await t.core.call('audit.team', { envId: t.envId, count: 50 });
    expect(team.ok && team.value.find((e) => e.what === 'payload.reveal' && e.target === `${dlq}/${id}`)).toMatchObject({ reason: 'incident 42: which account' });

    const streamReveal = await t.core.call('payload.revealStreamEntry', { envId: t.envId, stream: dlq, id, reason: 'incident 42: the entry' });
    expect(streamReveal.ok && streamReveal.value.entry.fields.find((f) => f.name === 'data')?.preview).toBe(secretEvent);
    const operatorExport = await t.core.call('dlq.export', { envId: t.envId, source: dlq, ids: [id] });
    // The export carries the stored bytes (base64), not the masked preview.
    expect(operatorExport.ok && operatorExport.value.lines).toContain(Buffer.from(secretEvent).toString('base64'));
  });

  it("a viewer's field search on a masked path is refused; operators search it; a text search matches what the viewer sees", async () => {
    const id = (await deadLetter(secretEvent))!;
    const search = (envId: string, match: Record<string, unknown>) => t.core.call('dlq.search', { envId, source: dlq, match });
    for (const field of [{ path: 'credentials.password', value: 'hunter2' }, { path: 'credentials', value: '{"user":"svc","password":"hunter2"}' }, { path: 'contact', value: 'soc@corp.example.com' }, { path: 'raw_data.src_ip', value: '10.9.8.7' }]) {
      const refused = await search(viewerId, { field });
      expect(!refused.ok && refused.error, field.path).toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringContaining('An operator or admin may search it') });
      const operator = await search(t.envId, { field });
      expect(operator.ok && operator.value.matches.map((m) => m.id), field.path).toContain(id);
      expect(operator.ok && JSON.stringify(operator.value.matches)).not.toContain('hunter2');
    }
    const unmasked = await search(viewerId, { field: { path: 'event_type', value: 'login' } });
    expect(unmasked.ok && unmasked.value.matches.map((m) => m.id)).toContain(id);
    const visible = await search(viewerId, { text: 'event_type' });
    expect(visible.ok && visible.value.matches.map((m) => m.id)).toContain(id);
    const hidden = await search(viewerId, { text: 'soc@corp' });
    expect(hidden.ok && hidden.value.matches.map((m) => m.id)).not.toContain(id);
  });

  it('a binary payload (shown as hex) is withheld whole while rules are in force, revealed with a reason, shown where nothing is masked', async () => {
    // JSON with one control character is not text: its hex would give the password away to anyone who decodes it.
    const bytes = Buffer.concat([Buffer.from('{"credentials":{"password":"hunter2"}}'), Buffer.from([0x00, 0xff])]);
    const id = (await redis.xadd(dlq, '*', 'data', bytes, DLQ_FIELDS.originStream, origin, DLQ_FIELDS.error, 'bad bytes'))!;
    const hex = bytes.toString('hex');
    for (const envId of [t.envId, viewerId]) {
      const shown = await t.core.call('dlq.show', { envId, source: dlq, id });
      expect(shown.ok && shown.value.payload).toMatchObject({ encoding: 'hex', preview: maskLabel('binary payload'), size: bytes.length });
      const entries = await t.core.call('streams.entries', { envId, stream: dlq, count: 50 });
      expect(entries.ok && JSON.stringify(entries.value)).not.toContain(hex);
    }
    const revealed = await t.core.call('payload.revealDeadLetter', { envId: t.envId, source: dlq, id, reason: 'incident 43: the bytes' });
    expect(revealed.ok && revealed.value).toMatchObject({ entry: { payload: { encoding: 'hex', preview: hex } }, masked: ['binary payload'] });
    const off = await t.core.call('environments.add', { name: `no masks ${ns}`, namespace: ns, redis: { url: REDIS_URL }, masking: { paths: [], values: [] } });
    if (!off.ok) throw new Error(off.error.message);
    await t.core.startRuntimes([t.envId, viewerId, off.value.id]);
    await waitFor(() => t.core.runtime(off.value.id).redis?.isReady, 'connected');
    const plain = await t.core.call('dlq.show', { envId: off.value.id, source: dlq, id });
    expect(plain.ok && plain.value.payload?.preview).toBe(hex);
  });

  it('a masked entry replayed arrives in its origin byte-identical', async () => {
    const id = (await deadLetter(secretEvent))!;
    const shown = await t.core.call('dlq.show', { envId: t.envId, source: dlq, id });
    expect(shown.ok && shown.value.payload!.preview).not.toContain('hunter2');
    const replayed = await t.core.call('dlq.replay', { envId: t.envId, source: dlq, ids: [id] });
    expect(replayed.ok && replayed.value.replayed).toBe(1);
    const rows = (await redis.xrangeBuffer(origin, '-', '+')) as unknown as [Buffer, Buffer[]][];
    const mine = rows.find(([, fields]) => fields.some((f, i) => i % 2 === 1 && f.toString() === `${dlq}/${id}`));
    expect(mine).toBeDefined();
    const fields = mine![1];
    const data = fields[fields.findIndex((f, i) => i % 2 === 0 && f.toString() === 'data') + 1]!;
    expect(data.equals(Buffer.from(secretEvent))).toBe(true);
  });

  it('an edited replay that still holds masks is refused (it would replay the masks); the revealed text replays', async () => {
    const id = (await deadLetter(secretEvent))!;
    const shown = await t.core.call('dlq.show', { envId: t.envId, source: dlq, id });
    if (!shown.ok) throw new Error(shown.error.message);
    const refused = await t.core.call('dlq.replayEdited', { envId: t.envId, source: dlq, id, payload: shown.value.payload!.preview });
    expect(!refused.ok && refused.error).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('reveal the entry first') });
    expect(await redis.xrange(dlq, id, id)).toHaveLength(1);
  });

  it('a profile with its own rules (env add --mask) masks those; empty lists mask nothing', async () => {
    const added = await t.core.call('environments.add', { name: `own ${ns}`, namespace: ns, redis: { url: REDIS_URL }, masking: { paths: ['event_type'], values: [] } });
    if (!added.ok) throw new Error(added.error.message);
    const off = await t.core.call('environments.add', { name: `off ${ns}`, namespace: ns, redis: { url: REDIS_URL }, masking: { paths: [], values: [] } });
    if (!off.ok) throw new Error(off.error.message);
    await t.core.startRuntimes([t.envId, viewerId, added.value.id, off.value.id]);
    await waitFor(() => t.core.runtime(added.value.id).redis?.isReady && t.core.runtime(off.value.id).redis?.isReady, 'connected');
    const id = (await deadLetter(secretEvent))!;
    const own = await t.core.call('dlq.show', { envId: added.value.id, source: dlq, id });
    expect(own.ok && JSON.parse(own.value.payload!.preview)).toEqual({ ...JSON.parse(secretEvent), event_type: maskLabel('event_type') });
    const plain = await t.core.call('dlq.show', { envId: off.value.id, source: dlq, id });
    expect(plain.ok && plain.value.payload!.preview).toBe(secretEvent);
    // An edit that says nothing of masking keeps the profile's rules.
    const edited = await t.core.call('environments.update', { id: added.value.id, input: { name: `own ${ns}`, namespace: ns, redis: { url: REDIS_URL } } });
    expect(edited.ok && edited.value.masking).toEqual({ paths: ['event_type'], values: [] });
  });
});
