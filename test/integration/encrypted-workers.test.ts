import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom, securityEvent } from '../../electron/core/demo/message-factory';
import { decryptPayload, encryptPayload } from '../../electron/core/payload-crypto';
import { alertIdForEvent } from '../../electron/core/workers/deterministic-id';
import { DLQ_FIELDS } from '../../shared/model/dead-letter';
import { SecurityAlert } from '../../shared/schemas/security-streams';
import { REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { cleanupNamespace, createTestCore, type TestCore } from '../helpers/core';
import { waitFor } from '../helpers/wait';

const random = createRandom(23);
const fieldsOf = (flat: string[]) => Object.fromEntries(Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i], flat[2 * i + 1]]));

/**
 * Seed 001 AES-256-GCM through the workers: the event processor opens encrypted events with the
 * key their envelope names (or the current key, then the previous ones), writes its alerts
 * encrypted under the current key, and dead-letters what no key authenticates with why.
 */
describe('encrypted pipeline (workers)', () => {
  const ns = uniqueNamespace('encw');
  const events = `${ns}security.events`;
  const current = randomBytes(32);
  const previous = randomBytes(32);
  const redis = new Redis(REDIS_URL);
  let t: TestCore;

  beforeAll(async () => {
    t = await createTestCore(
      ns,
      { amqp: null, managementUrl: null, payloadKey: current.toString('hex'), payloadKeyId: 'k2', previousPayloadKeys: `# rotated out in November\nk1:${previous.toString('base64')}` },
      { workerOptions: { isolation: 'in-process', timings: { blockMs: 100, reclaimEveryMs: 500 } } },
    );
    await waitFor(() => t.core.runtime(t.envId).redis?.isReady, 'connected');
  });
  afterAll(async () => {
    await t.core.call('workers.stop', { envId: t.envId });
    await t.close();
    redis.disconnect();
    await cleanupNamespace(ns);
  });

  it('shows the key ids, never the keys; refuses a malformed or clashing previous key', async () => {
    const views = await t.core.call('environments.list', {});
    const mine = views.ok ? views.value.find((e) => e.id === t.envId) : undefined;
    expect(mine).toMatchObject({ hasPayloadKey: true, payloadKeyId: 'k2', previousPayloadKeyIds: ['k1'] });
    const text = JSON.stringify(views);
    expect(text).not.toContain(current.toString('hex'));
    expect(text).not.toContain(previous.toString('base64'));
    const malformed = await t.core.call('environments.add', { name: `bad ${ns}`, namespace: ns, redis: { url: REDIS_URL }, payloadKey: current.toString('hex'), previousPayloadKeys: 'k1 nope' });
    expect(!malformed.ok && malformed.error).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('id:key') });
    const clash = await t.core.call('environments.add', { name: `clash ${ns}`, namespace: ns, redis: { url: REDIS_URL }, payloadKey: current.toString('hex'), payloadKeyId: 'k1', previousPayloadKeys: `k1:${previous.toString('hex')}` });
    expect(!clash.ok && clash.error).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('"k1"') });
  });

  it('processes events under the current and a previous key into encrypted alerts; a tampered one and an unknown key id go to the DLQ with why', async () => {
    const critical = () => ({ ...securityEvent(random, Date.now()), severity: 'critical' }) as unknown as Record<string, unknown> & { id: string };
    const underCurrent = critical();
    const underPrevious = critical();
    const previousNoKid = critical();
    const json = (e: unknown) => Buffer.from(JSON.stringify(e));
    const tamperedEnvelope = JSON.parse(encryptPayload(json(critical()), current, 'k2').toString()) as { data: string };
    const data = Buffer.from(tamperedEnvelope.data, 'base64');
    data[5] = data[5]! ^ 0x01;
    const tampered = JSON.stringify({ ...tamperedEnvelope, data: data.toString('base64') });
    const unknownKey = encryptPayload(json(critical()), randomBytes(32), 'k9');

    await redis.xadd(events, '*', 'data', encryptPayload(json(underCurrent), current, 'k2'));
    await redis.xadd(events, '*', 'data', encryptPayload(json(underPrevious), previous, 'k1'));
    // Seed 001's envelope names no key: the current key fails, the previous one opens it.
    await redis.xadd(events, '*', 'data', encryptPayload(json(previousNoKid), previous));
    const tamperedId = (await redis.xadd(events, '*', 'data', tampered))!;
    const unknownId = (await redis.xadd(events, '*', 'data', unknownKey))!;

    // The events were written before the start: the groups begin at the first entry.
    const started = await t.core.call('workers.start', { envId: t.envId, only: ['event', 'alert'], fromStart: true });
    expect(started.ok).toBe(true);

    const dlq = await waitFor(async () => {
      const rows = (await redis.xrange(`${ns}security.events.dlq`, '-', '+')) as [string, string[]][];
      return rows.length === 2 ? rows.map(([, f]) => fieldsOf(f)) : undefined;
    }, 'two dead letters');
    const byOrigin = new Map(dlq.map((d) => [d[DLQ_FIELDS.originId], d]));
    expect(byOrigin.get(tamperedId)?.[DLQ_FIELDS.error]).toBe('cannot decrypt: authentication failed');
    expect(byOrigin.get(tamperedId)?.data).toBe(tampered);
    expect(byOrigin.get(unknownId)?.[DLQ_FIELDS.error]).toMatch(/^cannot decrypt: unknown key id "k9" \(this environment has "k2", "k1"\)$/);
    expect(byOrigin.get(unknownId)?.data).toBe(unknownKey.toString());
    expect(JSON.stringify(dlq)).not.toMatch(/not JSON/);

    const wanted = [underCurrent, underPrevious, previousNoKid].map((e) => alertIdForEvent(e.id));
    const alerts = await waitFor(async () => {
      const rows = (await redis.xrange(`${ns}security.alerts`, '-', '+')) as [string, string[]][];
      return rows.length === 3 ? rows.map(([, f]) => fieldsOf(f).data!) : undefined;
    }, 'three alerts');
    for (const raw of alerts) {
      // Written encrypted under the current key and naming it; plaintext nowhere in the stream.
      expect(JSON.parse(raw)).toMatchObject({ enc: 'aes-256-gcm', kid: 'k2' });
      for (const e of [underCurrent, underPrevious, previousNoKid]) expect(raw).not.toContain(e.id);
      expect(decryptPayload(Buffer.from(raw), previous)).toMatchObject({ error: expect.any(String) });
    }
    const opened = alerts.map((raw) => SecurityAlert.parse(JSON.parse((decryptPayload(Buffer.from(raw), current) as { plain: Buffer }).plain.toString())));
    expect(opened.map((a) => a.id).sort()).toEqual([...wanted].sort());

    // The alert processor opened them too: each is in the shared store.
    for (const id of wanted) {
      const stored = await waitFor(async () => {
        const r = await t.core.call('alerts.get', { envId: t.envId, id });
        return r.ok ? r.value.alert : undefined;
      }, `alert ${id} stored`);
      expect(stored.severity).toBe('critical');
    }
    const counters = await waitFor(async () => {
      const view = await t.core.call('workers.list', { envId: t.envId });
      const c = view.ok ? view.value.processors.find((p) => p.name === 'event')?.counters : undefined;
      return c && c.processed + c.deadLettered >= 5 ? c : undefined;
    }, 'the event processor counters');
    expect(counters).toMatchObject({ processed: 3, deadLettered: 2 });
    expect(((await redis.xpending(events, 'event-processors')) as [number])[0]).toBe(0);
  });
});
