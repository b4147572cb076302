import { createCipheriv, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptPayload, encryptPayload } from '../../electron/core/payload-crypto';
import { DLQ_FIELDS } from '../../shared/model/dead-letter';
import { REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { cleanupNamespace, createTestCore, type TestCore } from '../helpers/core';
import { waitFor } from '../helpers/wait';

/** Seed 001 AES-256-GCM payloads: shown decrypted with the environment's key, replayed byte-identical, the key never leaving the core. */
describe('encrypted payloads', () => {
  const ns = uniqueNamespace('crypt');
  const origin = `${ns}security.events`;
  const dlq = `${origin}.dlq`;
  const key = randomBytes(32);
  const redis = new Redis(REDIS_URL);
  let t: TestCore;
  let otherKeyEnv = '';

  beforeAll(async () => {
    t = await createTestCore(ns, { amqp: null, managementUrl: null, payloadKey: key.toString('hex') });
    const other = await t.core.call('environments.add', { name: `other key ${ns}`, namespace: ns, redis: { url: REDIS_URL }, payloadKey: randomBytes(32).toString('base64') });
    if (!other.ok) throw new Error(other.error.message);
    otherKeyEnv = other.value.id;
    await t.core.startRuntimes([t.envId, otherKeyEnv]);
    await waitFor(() => t.core.runtime(t.envId).redis?.isReady && t.core.runtime(otherKeyEnv).redis?.isReady, 'connected');
  });
  afterAll(async () => {
    await t.close();
    redis.disconnect();
    await cleanupNamespace(ns);
  });

  it('shows the plaintext, marked, and replays the ciphertext byte for byte', async () => {
    const secret = Buffer.from(JSON.stringify({ event_id: 'enc-1', indicator: 'c2.evil.example' }));
    const sealed = encryptPayload(secret, key);
    const id = (await redis.xadd(dlq, '*', 'data', sealed, DLQ_FIELDS.originStream, origin, DLQ_FIELDS.error, 'downstream timeout'))!;
    const shown = await t.core.call('dlq.show', { envId: t.envId, source: dlq, id });
    expect(shown.ok && shown.value.payload).toMatchObject({ decrypted: true, encoding: 'text', preview: secret.toString() });
    const listed = await t.core.call('dlq.list', { envId: t.envId, source: dlq, order: 'newest', count: 10 });
    expect(listed.ok && listed.value.entries[0]!.payload?.decrypted).toBe(true);
    const wrong = await t.core.call('dlq.show', { envId: otherKeyEnv, source: dlq, id });
    expect(wrong.ok && wrong.value.payload).toMatchObject({ preview: sealed.toString(), decryptError: expect.stringContaining('does not open it') });
    const replayed = await t.core.call('dlq.replay', { envId: t.envId, source: dlq, ids: [id] });
    expect(replayed.ok && replayed.value.replayed).toBe(1);
    const [[, fields]] = (await redis.xrevrangeBuffer(origin, '+', '-', 'COUNT', 1)) as unknown as [[Buffer, Buffer[]]];
    expect(fields[fields.findIndex((f) => f.toString() === 'data') + 1]!.equals(sealed)).toBe(true);
  });

  it('reads the compact iv:tag:ciphertext hex form too', async () => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const data = Buffer.concat([cipher.update('{"n":2}'), cipher.final()]);
    const compact = `${iv.toString('hex')}:${cipher.getAuthTag().toString('hex')}:${data.toString('hex')}`;
    const id = (await redis.xadd(dlq, '*', 'data', compact))!;
    const shown = await t.core.call('dlq.show', { envId: t.envId, source: dlq, id });
    expect(shown.ok && shown.value.payload).toMatchObject({ decrypted: true, preview: '{"n":2}' });
  });

  it('keeps the key in the secret store: not in views, logs or the profile file; a bad key is refused', async () => {
    const views = await t.core.call('environments.list', {});
    expect(views.ok && views.value.find((e) => e.id === t.envId)?.hasPayloadKey).toBe(true);
    const everything = JSON.stringify(views) + t.logs.join('\n') + readFileSync(`${t.home}/environments.json`, 'utf8');
    expect(everything).not.toContain(key.toString('hex'));
    const bad = await t.core.call('environments.add', { name: `bad key ${ns}`, namespace: ns, redis: { url: REDIS_URL }, payloadKey: 'too-short' });
    expect(!bad.ok && bad.error).toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('32 bytes') });
  });

  it('edits an encrypted dead letter as plaintext and replays it encrypted again', async () => {
    const id = (await redis.xadd(dlq, '*', 'data', encryptPayload(Buffer.from('{"n":1}'), key), DLQ_FIELDS.originStream, origin))!;
    const done = await t.core.call('dlq.replayEdited', { envId: t.envId, source: dlq, id, payload: '{"n":2}' });
    expect(done.ok && done.value).toMatchObject({ status: 'replayed', reEncrypted: true });
    const [[, fields]] = (await redis.xrevrangeBuffer(origin, '+', '-', 'COUNT', 1)) as unknown as [[Buffer, Buffer[]]];
    const stored = fields[1]!;
    expect(stored.toString()).not.toContain('"n":2');
    expect(decryptPayload(stored, key)).toEqual({ plain: Buffer.from('{"n":2}') });
  });
});
