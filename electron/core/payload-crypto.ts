import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Seed 001's encrypted messages (AES-256-GCM). Seed 001 names the cipher but no wire format; the
 * console reads a JSON envelope — `{"enc":"aes-256-gcm","iv":…,"tag":…,"data":…}`, base64 fields,
 * 12-byte IV, 16-byte tag (`algorithm`, `authTag`, `ciphertext` accepted as aliases) — and the
 * compact `iv:tag:ciphertext` hex form. Decryption is for display only: replays copy the stored
 * bytes, so the ciphertext stays byte-identical.
 */

/** A 32-byte key from 64 hex characters or base64. */
export function parseKey(text: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== 32) throw new Error('the payload key must be 32 bytes: 64 hex characters or base64');
  return key;
}

export function encryptPayload(plain: Buffer, key: Buffer): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.from(JSON.stringify({ enc: 'aes-256-gcm', iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') }));
}

interface Envelope {
  iv: Buffer;
  tag: Buffer;
  data: Buffer;
}

function envelopeOf(bytes: Buffer): Envelope | null {
  if (bytes.length > 64 * 1024 * 1024) return null;
  const text = bytes.toString('utf8').trim();
  const compact = /^([0-9a-f]{24}):([0-9a-f]{32}):([0-9a-f]*)$/i.exec(text);
  if (compact) return { iv: Buffer.from(compact[1]!, 'hex'), tag: Buffer.from(compact[2]!, 'hex'), data: Buffer.from(compact[3]!, 'hex') };
  if (!text.startsWith('{') || !/aes-256-gcm/i.test(text)) return null;
  try {
    const o = JSON.parse(text) as Record<string, unknown>;
    const alg = String(o.enc ?? o.alg ?? o.algorithm ?? '').toLowerCase();
    const iv = o.iv;
    const tag = o.tag ?? o.authTag;
    const data = o.data ?? o.ciphertext;
    if (alg !== 'aes-256-gcm' || typeof iv !== 'string' || typeof tag !== 'string' || typeof data !== 'string') return null;
    const decode = (s: string) => (/^[0-9a-f]+$/i.test(s) && s.length % 2 === 0 && s.length !== 16 ? Buffer.from(s, 'hex') : Buffer.from(s, 'base64'));
    return { iv: decode(iv), tag: decode(tag), data: Buffer.from(data, 'base64') };
  } catch {
    return null;
  }
}

/** The plaintext of an encrypted payload; `null` when the bytes are not an envelope; an error when the key does not fit. */
export function decryptPayload(bytes: Buffer, key: Buffer): { plain: Buffer } | { error: string } | null {
  const envelope = envelopeOf(bytes);
  if (!envelope) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, envelope.iv);
    decipher.setAuthTag(envelope.tag);
    return { plain: Buffer.concat([decipher.update(envelope.data), decipher.final()]) };
  } catch {
    return { error: "encrypted (AES-256-GCM), but this environment's key does not open it" };
  }
}
