import { createHash } from 'node:crypto';
import type { Message } from 'amqplib';

/** A delivery's id for dedup: its `messageId` property, else a SHA-1 of its body. */
export function deliveryId(message: Pick<Message, 'content' | 'properties'>): string {
  const id: unknown = message.properties.messageId;
  if (typeof id === 'string' && id.length > 0) return id;
  return `sha1:${createHash('sha1').update(message.content).digest('hex')}`;
}
