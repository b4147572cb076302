import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Seed 001's encrypted messages (AES-256-GCM). Seed 001 names the cipher but no wire format; the
 * console reads a JSON envelope — `{"enc":"aes-256-gcm","iv":…,"tag":…,"data":…}`, base64 fields,
 * 12-byte IV, 16-byte tag (`algorithm`, `authTag`, `ciphertext` accepted as aliases) — and the
 * compact `iv:tag:ciphertext` hex form. An envelope may name its key (`kid`, aliases `keyId`,
 * `key_id`): key rotation keeps the previous keys, and each envelope is opened with the key it
 * names (or, naming none, with the current key and then each previous one). The console decrypts
 * for display (replays copy the stored bytes, so the ciphertext stays byte-identical); the workers
 * decrypt their inputs and encrypt their outputs with the current key.
 */

/** A key id: what an envelope's `kid` may hold. */
export const KEY_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

/** An environment's payload keys: the current one (outputs are encrypted with it) and those it replaced. */
export interface PayloadKeyring {
  current: { id: string | null; key: Buffer };
  previous: { id: string; key: Buffer }[];
}

/** A keyring as plain data (hex keys), for a worker thread. */
export interface PayloadKeyringData {
  current: { id: string | null; key: string };
  previous: { id: string; key: string }[];
}

export function keyringToData(ring: PayloadKeyring): PayloadKeyringData {
  return { current: { id: ring.current.id, key: ring.current.key.toString('hex') }, previous: ring.previous.map((p) => ({ id: p.id, key: p.key.toString('hex') })) };
}

export function keyringFromData(data: PayloadKeyringData): PayloadKeyring {
  return { current: { id: data.current.id, key: Buffer.from(data.current.key, 'hex') }, previous: data.previous.map((p) => ({ id: p.id, key: Buffer.from(p.key, 'hex') })) };
}

/**
 * Previous keys as typed: `id:key` (key as 64 hex characters or base64), one per line or
 * separated by commas or semicolons; blank entries and `#` comments ignored. Throws naming the
 * offending entry.
 */
export function parsePreviousKeys(text: string): { id: string; key: Buffer }[] {
  const keys: { id: string; key: Buffer }[] = [];
  text.split(/[\r\n,;]+/).forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const at = line.lastIndexOf(':');
    const id = at > 0 ? line.slice(0, at).trim() : '';
    if (!KEY_ID_PATTERN.test(id)) throw new Error(`previous key ${index + 1}: write it as id:key (id of letters, digits, _ . : -)`);
    if (keys.some((k) => k.id === id)) throw new Error(`previous key ${index + 1}: key id "${id}" is listed twice`);
    try {
      keys.push({ id, key: parseKey(line.slice(at + 1)) });
    } catch (error) {
      throw new Error(`previous key "${id}": ${(error as Error).message}`, { cause: error });
    }
  });
  return keys;
}

/** A 32-byte key from 64 hex characters or base64. */
export function parseKey(text: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== 32) throw new Error('the payload key must be 32 bytes: 64 hex characters or base64');
  return key;
}

/** The JSON envelope of `plain` under `key`; with `keyId`, the envelope names its key (`kid`). */
export function encryptPayload(plain: Buffer, key: Buffer, keyId: string | null = null): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.from(JSON.stringify({ enc: 'aes-256-gcm', ...(keyId ? { kid: keyId } : {}), iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') }));
}

interface Envelope {
  iv: Buffer;
  tag: Buffer;
  data: Buffer;
  keyId: string | null;
}

function envelopeOf(bytes: Buffer): Envelope | null {
  if (bytes.length > 64 * 1024 * 1024) return null;
  const text = bytes.toString('utf8').trim();
  const compact = /^([0-9a-f]{24}):([0-9a-f]{32}):([0-9a-f]*)$/i.exec(text);
  if (compact) return { iv: Buffer.from(compact[1]!, 'hex'), tag: Buffer.from(compact[2]!, 'hex'), data: Buffer.from(compact[3]!, 'hex'), keyId: null };
  if (!text.startsWith('{') || !/aes-256-gcm/i.test(text)) return null;
  try {
    const o = JSON.parse(text) as Record<string, unknown>;
    const alg = String(o.enc ?? o.alg ?? o.algorithm ?? '').toLowerCase();
    const iv = o.iv;
    const tag = o.tag ?? o.authTag;
    const data = o.data ?? o.ciphertext;
    if (alg !== 'aes-256-gcm' || typeof iv !== 'string' || typeof tag !== 'string' || typeof data !== 'string') return null;
    const decode = (s: string) => (/^[0-9a-f]+$/i.test(s) && s.length % 2 === 0 && s.length !== 16 ? Buffer.from(s, 'hex') : Buffer.from(s, 'base64'));
    const kid = o.kid ?? o.keyId ?? o.key_id;
    return { iv: decode(iv), tag: decode(tag), data: Buffer.from(data, 'base64'), keyId: typeof kid === 'string' && kid !== '' ? kid : null };
  } catch {
    return null;
  }
}

function open(envelope: Envelope, key: Buffer): Buffer | null {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, envelope.iv);
    decipher.setAuthTag(envelope.tag);
    return Buffer.concat([decipher.update(envelope.data), decipher.final()]);
  } catch {
    return null;
  }
}

/** Why an envelope could not be opened: its key id is not in the keyring, or no key authenticates it. */
export type OpenFailure = { error: string; cause: 'unknown-key' | 'authentication' };

/**
 * The plaintext of an encrypted payload with whichever key of `ring` its envelope names (none
 * named, or a name no key has while some key has no id: the current key, then each previous
 * one); `null` when the bytes are not an envelope.
 * The error starts with "cannot decrypt:" — a tampered or foreign payload is
 * "cannot decrypt: authentication failed".
 */
export function openPayload(bytes: Buffer, ring: PayloadKeyring): { plain: Buffer; keyId: string | null } | OpenFailure | null {
  const envelope = envelopeOf(bytes);
  if (!envelope) return null;
  const all = [ring.current, ...ring.previous];
  let candidates = all;
  if (envelope.keyId !== null) {
    // The key it names; failing that, a key without an id (configured before key ids existed).
    candidates = all.filter((k) => k.id === envelope.keyId);
    if (!candidates.length) candidates = all.filter((k) => k.id === null);
    if (!candidates.length) {
      const known = all.map((k) => k.id).filter((id): id is string => id !== null);
      return { cause: 'unknown-key', error: `cannot decrypt: unknown key id "${envelope.keyId.slice(0, 64)}" (this environment has ${known.length ? known.map((id) => `"${id}"`).join(', ') : 'no key ids'})` };
    }
  }
  for (const candidate of candidates) {
    const plain = open(envelope, candidate.key);
    if (plain) return { plain, keyId: candidate.id };
  }
  return { cause: 'authentication', error: 'cannot decrypt: authentication failed' };
}

/** The plaintext of an encrypted payload; `null` when the bytes are not an envelope; an error when the key does not fit. */
export function decryptPayload(bytes: Buffer, key: Buffer | PayloadKeyring): { plain: Buffer } | { error: string } | null {
  const opened = openPayload(bytes, Buffer.isBuffer(key) ? { current: { id: null, key }, previous: [] } : key);
  if (!opened) return null;
  if ('plain' in opened) return { plain: opened.plain };
  return { error: opened.cause === 'unknown-key' ? `encrypted (AES-256-GCM), ${opened.error.replace(/^cannot decrypt: /, '')}` : "encrypted (AES-256-GCM), but this environment's key does not open it" };
}
