import type { ZodType } from 'zod';
import type { StreamMessage } from '../stream-handler';

/** A message's seed payload, parsed and validated, or why it can never be. */
export type ParsedPayload<T> = { ok: true; value: T } | { ok: false; reason: string };

/** At most this many schema issues go into a reason: enough to fix the producer, short enough for a DLQ entry. */
const MAX_ISSUES_IN_REASON = 3;

/**
 * Decodes the `data` field's JSON and validates it against a seed schema. The reason names the
 * offending field (`results.findings_count: …`) so whoever reads the dead letter knows what to fix.
 */
export function parsePayload<T>(message: StreamMessage, schema: ZodType<T>): ParsedPayload<T> {
  if (!message.payload) return { ok: false, reason: 'entry has no data field' };
  let json: unknown;
  try {
    json = JSON.parse(message.payload.toString('utf8'));
  } catch (error) {
    return { ok: false, reason: `data is not JSON: ${(error as Error).message}` };
  }
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, value: result.data };
  const issues = result.error.issues.slice(0, MAX_ISSUES_IN_REASON).map((issue) => `${issue.path.map(String).join('.') || '(message)'}: ${issue.message}`);
  const more = result.error.issues.length - issues.length;
  return { ok: false, reason: `schema: ${issues.join('; ')}${more > 0 ? ` (+${more} more)` : ''}` };
}

/** The JSON object of a payload without validation, or null; for cheap look-ups (dedup ids) that must never throw. */
export function peekJsonObject(payload: Buffer | null): Record<string, unknown> | null {
  if (!payload) return null;
  try {
    const json: unknown = JSON.parse(payload.toString('utf8'));
    return json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
