import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encryptPayload, keyringFromData, keyringToData, openPayload, parsePreviousKeys, type PayloadKeyring } from '../../electron/core/payload-crypto';

const k1 = randomBytes(32);
const k2 = randomBytes(32);
const ring: PayloadKeyring = { current: { id: 'k2', key: k2 }, previous: [{ id: 'k1', key: k1 }] };
const plain = Buffer.from('{"id":"e-1"}');

describe('payload keyring', () => {
  it('opens with the key the envelope names, or tries current then previous without a key id', () => {
    expect(openPayload(encryptPayload(plain, k1, 'k1'), ring)).toEqual({ plain, keyId: 'k1' });
    expect(openPayload(encryptPayload(plain, k2, 'k2'), ring)).toEqual({ plain, keyId: 'k2' });
    expect(openPayload(encryptPayload(plain, k1), ring)).toEqual({ plain, keyId: 'k1' });
    expect(openPayload(plain, ring)).toBeNull();
  });

  it('names the failure: authentication, or an unknown key id', () => {
    // Named k2 but sealed with k1: only k2 is tried.
    expect(openPayload(encryptPayload(plain, k1, 'k2'), ring)).toEqual({ cause: 'authentication', error: 'cannot decrypt: authentication failed' });
    expect(openPayload(encryptPayload(plain, randomBytes(32)), ring)).toMatchObject({ error: 'cannot decrypt: authentication failed' });
    expect(openPayload(encryptPayload(plain, k1, 'k7'), ring)).toEqual({ cause: 'unknown-key', error: 'cannot decrypt: unknown key id "k7" (this environment has "k2", "k1")' });
    // A key without an id (configured before ids) is tried for any named envelope.
    expect(openPayload(encryptPayload(plain, k2, 'k7'), { current: { id: null, key: k2 }, previous: [] })).toEqual({ plain, keyId: null });
  });

  it('parses previous keys as id:key, lines or commas, and survives plain-data round trips', () => {
    const parsed = parsePreviousKeys(`# old\nk1:${k1.toString('hex')}, k0:${k2.toString('base64')}`);
    expect(parsed.map((k) => k.id)).toEqual(['k1', 'k0']);
    expect(parsed[1]!.key.equals(k2)).toBe(true);
    expect(() => parsePreviousKeys(k1.toString('hex'))).toThrow(/id:key/);
    expect(() => parsePreviousKeys(`a:${k1.toString('hex')}\na:${k2.toString('hex')}`)).toThrow(/twice/);
    expect(() => parsePreviousKeys('a:short')).toThrow(/32 bytes/);
    const back = keyringFromData(structuredClone(keyringToData(ring)));
    expect(openPayload(encryptPayload(plain, k1, 'k1'), back)).toEqual({ plain, keyId: 'k1' });
  });
});
