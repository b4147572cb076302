import type { XDeath } from '../../../shared/model/rabbit-dlq';

/** A header value as text (AMQP strings arrive as Buffers). */
export function text(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return String(value);
}

/** The `x-death` chain of a dead-lettered message, newest death first (RabbitMQ's order). */
export function xDeathOf(headers: Record<string, unknown> | undefined): XDeath[] {
  const raw = headers?.['x-death'];
  if (!Array.isArray(raw)) return [];
  return raw.map((d: Record<string, unknown>) => ({
    queue: text(d.queue) ?? '',
    reason: text(d.reason) ?? '',
    count: Number(d.count ?? 1),
    exchange: text(d.exchange) ?? '',
    routingKeys: Array.isArray(d['routing-keys']) ? (d['routing-keys'] as unknown[]).map((k) => text(k) ?? '') : [],
    time: d.time instanceof Date ? d.time.getTime() : typeof d.time === 'object' && d.time && 'value' in d.time ? Number((d.time as { value: number }).value) * 1000 : null,
  }));
}
