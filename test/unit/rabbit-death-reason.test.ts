import { describe, expect, it } from 'vitest';
import { describeDeathReason } from '../../shared/model/rabbit-dlq';

describe('RabbitMQ dead-letter reasons in words', () => {
  it('explains each reason RabbitMQ writes into x-death, naming the queue', () => {
    expect(describeDeathReason('rejected', 'q')).toBe('rejected by a consumer of q (nack/reject without requeue)');
    expect(describeDeathReason('expired', 'q')).toMatch(/^expired in q: its TTL/);
    expect(describeDeathReason('maxlen', 'q')).toMatch(/^dropped from q: the queue was full/);
    expect(describeDeathReason('delivery_limit', 'q')).toMatch(/delivery limit was reached/);
  });
  it('passes an unknown reason on as it is, and says when there is none', () => {
    expect(describeDeathReason('shovelled', 'q')).toBe('shovelled in q');
    expect(describeDeathReason('', '')).toBe('unknown reason');
  });
});
