import { createHash } from 'node:crypto';

/**
 * A UUID (version 5 layout, SHA-1) derived from `name`: the same input always gives the same id,
 * so a message handled twice (a redelivery, a reclaimed entry) produces the same downstream ids
 * and the stores it feeds recognise the repeat.
 */
export function deterministicUuid(name: string): string {
  const hash = createHash('sha1').update(`watchfloor:${name}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The id of the alert raised from an event: one alert per event, whoever raises it. */
export function alertIdForEvent(eventId: string): string {
  return deterministicUuid(`alert-for-event:${eventId}`);
}
