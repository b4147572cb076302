import { describe, expect, it } from 'vitest';
import { RateMeter, TokenBucket } from '../../electron/core/dead-letters/replay-job-rate';

describe('replay job rate cap (token bucket)', () => {
  it('spaces batches so N entries take N / rate seconds, the first batch included, and catches up by one batch at most', () => {
    const bucket = new TokenBucket(2000);
    expect(bucket.batchSize(500)).toBe(500);
    expect(bucket.take(200, 0)).toBe(100);
    // Taken again 150 ms later (50 ms past its slot's start, the batch's own work): made up.
    expect(bucket.take(200, 150)).toBe(50);
    // Late by more than a batch (a pause, a slow Redis): one batch of credit, no more.
    expect(bucket.take(200, 10_000)).toBe(0);
    expect(bucket.take(200, 10_000)).toBe(100);
  });
  it('cuts a batch to one second of tokens (at least one), and no cap never waits', () => {
    expect(new TokenBucket(50).batchSize(200)).toBe(50);
    expect(new TokenBucket(0.5).batchSize(200)).toBe(1);
    const free = new TokenBucket(null);
    expect(free.batchSize(200)).toBe(200);
    expect(free.take(200, 0)).toBe(0);
  });
  it('measures messages/s over the recent samples', () => {
    const meter = new RateMeter(5000);
    meter.add(0, 0);
    expect(meter.rate()).toBeNull();
    meter.add(1000, 2000);
    meter.add(2000, 4000);
    expect(meter.rate()).toBe(2000);
    meter.add(8000, 4000);
    expect(meter.rate()).toBe(0);
  });
});
