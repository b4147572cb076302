import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSecurityEventFast } from '../../../shared/schemas/fast-checks';
import { SecurityEvent } from '../../../shared/schemas/security-streams';
import { createRandom, malformed, securityEvent } from '../../../electron/core/demo/message-factory';

const random = createRandom(5);
const FIELDS = ['id', 'timestamp', 'organization_id', 'asset_id', 'event_type', 'severity', 'source', 'title', 'description', 'metadata', 'tags', 'correlation_id', 'raw_data'];
const oddValue = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.constant(''),
  fc.string(),
  fc.integer(),
  fc.boolean(),
  fc.array(fc.oneof(fc.string(), fc.integer())),
  fc.dictionary(fc.string(), fc.string()),
  fc.constantFrom('critical', 'high', 'info', 'CRITICAL', '2024-02-30T10:00:00Z', '2024-02-29T10:00:00Z', '2023-02-29T10:00:00Z', '2024-08-25T10:30:00+02:00', '2024-08-25T24:00:00Z', '2024-08-25T10:30:00', '2024-08-25 10:30:00Z', '2024-08-25T10:30:00.123456789Z'),
);

describe('the workers\' fast seed-event check', () => {
  it('accepts only what the zod schema accepts, over 5,000 mutated events', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...FIELDS), oddValue), { maxLength: 4 }), (mutations) => {
        const event: Record<string, unknown> = securityEvent(random, Date.now());
        for (const [field, value] of mutations) event[field] = value;
        const roundTripped = JSON.parse(JSON.stringify(event)) as unknown;
        if (isSecurityEventFast(roundTripped)) expect(SecurityEvent.safeParse(roundTripped).success).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('accepts the demo\'s valid events and refuses its malformed ones', () => {
    for (let i = 0; i < 500; i++) {
      const valid = securityEvent(random, Date.now());
      expect(isSecurityEventFast(JSON.parse(JSON.stringify(valid)))).toBe(true);
      const bad = malformed(random, valid).toString('utf8');
      let parsed: unknown;
      try {
        parsed = JSON.parse(bad);
      } catch {
        continue;
      }
      expect(isSecurityEventFast(parsed)).toBe(SecurityEvent.safeParse(parsed).success);
    }
  });
});
