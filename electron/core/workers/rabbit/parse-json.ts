import type { ZodType } from 'zod';
import type { Parsed } from './rabbit-consumer';

/** Parses a delivery's bytes as JSON and validates them against a seed schema; the reason says which failed. */
export function parseSeedMessage<T>(content: Buffer, schema: ZodType<T>): Parsed<T> {
  let json: unknown;
  try {
    json = JSON.parse(content.toString('utf8'));
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  return { ok: false, reason: `schema: ${issue ? `${issue.path.join('.') || '(root)'} ${issue.message}` : 'invalid'}` };
}
