import type { StreamMessage } from '../../../electron/core/workers/stream-handler';

/** A stream entry as the consumer engine hands it to a handler: `data` field with the payload bytes. */
export function streamMessage(payload: Record<string, unknown> | Buffer | null, id = '1700000000000-0', attempts = 0): StreamMessage {
  const bytes = payload === null ? null : Buffer.isBuffer(payload) ? payload : Buffer.from(JSON.stringify(payload));
  return { id, fields: bytes ? [Buffer.from('data'), bytes] : [Buffer.from('other'), Buffer.from('x')], payload: bytes, attempts };
}
