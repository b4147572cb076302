import { describe, expect, it } from 'vitest';
import type { StreamInfo } from '../../shared/model/overview';
import { parseGroupRow } from '../../electron/core/brokers/redis/stream-sampler';
import { idTime } from '../../shared/model/stream-ids';
import { COARSE_PERIOD_MS, FINE_CAPACITY, SeriesRing } from '../../electron/core/monitor/series-ring';
import { StreamHistoryStore } from '../../electron/core/monitor/stream-history';

const stream = (name: string, length: number, lag: number | null, extra: Partial<StreamInfo> = {}): StreamInfo => ({
  name, length, isDeadLetter: false, bullQueue: null, entriesAdded: length, addRate: 1, lastEntryId: null,
  groups: [{ name: 'g', consumers: 0, pending: 0, lag, lagEstimated: false, lastDeliveredId: '0-0', entriesRead: 0, readRate: 2, oldestPendingMs: null, consumerList: [] }],
  ...extra,
});

describe('SeriesRing', () => {
  it('keeps the last `capacity` samples in typed arrays and averages them into buckets', () => {
    const ring = new SeriesRing(4);
    for (let t = 1; t <= 6; t++) {
      ring.advance(t * 1000);
      ring.write('a', t * 10);
      if (t % 2 === 0) ring.write('b', t);
    }
    expect(ring.sampleCount).toBe(4);
    expect(ring.bytes).toBe(4 * 8 + 2 * 4 * 4);
    // Window 3s..6s in 4 buckets of 750 ms: samples at 3,4,5,6 s land one per bucket.
    const { values } = ring.downsample(['a', 'b', 'missing'], 3000, 6000, 4);
    expect(values[0]).toEqual([30, 40, 50, 60]);
    expect(values[1]).toEqual([null, 4, null, 6]);
    expect(values[2]).toEqual([null, null, null, null]);
    // Two buckets average two samples each.
    expect(ring.downsample(['a'], 3000, 6000, 2).values[0]).toEqual([35, 55]);
  });

  it('gives an unwritten series NaN (null) for the new slot instead of the value an hour old', () => {
    const ring = new SeriesRing(2);
    ring.advance(1000);
    ring.write('a', 1);
    ring.advance(2000);
    ring.advance(3000);
    expect(ring.downsample(['a'], 0, 4000, 4).values[0]).toEqual([null, null, null, null]);
  });
});

describe('SeriesRing of an hour: ten minutes as sampled, the rest as 10-second averages', () => {
  const hour = () => {
    const ring = new SeriesRing(3600);
    const t0 = 1_700_000_000_000; // a multiple of 10 s
    for (let i = 0; i < 3600; i++) {
      ring.advance(t0 + i * 1000);
      ring.write('v', i);
      if (i < 1800) ring.write('old-only', 1); // a series that stopped half an hour ago
    }
    return { ring, t0, last: t0 + 3599 * 1000 };
  };

  it('costs 600 + 360 values a series, not 3,600', () => {
    const { ring } = hour();
    expect(ring.sampleCount).toBe(FINE_CAPACITY);
    expect(ring.bytes).toBe(600 * 8 + 360 * 8 + 2 * (600 + 360) * 4);
  });

  it('the last ten minutes: every sample as it was', () => {
    const { ring, last } = hour();
    const { values } = ring.downsample(['v'], last - 599_000, last, 600);
    expect(values[0]!.slice(0, 3)).toEqual([3000, 3001, 3002]);
    expect(values[0]![598]).toBe(3598);
  });

  it('the whole hour in 10-second buckets: each bucket the mean of its ten samples, no gap where the tiers meet', () => {
    const { ring, t0 } = hour();
    const { values } = ring.downsample(['v', 'old-only'], t0, t0 + 3600 * 1000, 360);
    // Bucket b holds samples 10b … 10b+9, whose mean is 10b + 4.5 — from either tier.
    expect(values[0]!.every((v, b) => v !== null && Math.abs(v - (10 * b + 4.5)) < 1e-3)).toBe(true);
    expect(values[1]!.slice(0, 180).every((v) => v === 1)).toBe(true);
    expect(values[1]!.slice(180).every((v) => v === null)).toBe(true);
  });

  it('finer buckets than 10 s over the old part: each average fills every bucket of its period (no empty teeth)', () => {
    const { ring, t0 } = hour();
    const { values } = ring.downsample(['v'], t0, t0 + 60_000, 60);
    expect(values[0]!.every((v) => v !== null)).toBe(true);
    expect(values[0]![0]).toBeCloseTo(4.5, 3);
    expect(values[0]![9]).toBeCloseTo(4.5, 3);
    expect(values[0]![10]).toBeCloseTo(14.5, 3);
    expect(COARSE_PERIOD_MS).toBe(10_000);
  });
});

describe('StreamHistoryStore', () => {
  it('charts length, rates and per-group lag, and marks a deleted stream as gone, not empty', () => {
    const history = new StreamHistoryStore(100);
    for (let t = 0; t < 10; t++) history.record(t * 1000, [stream('s', t * 5, t)]);
    const before = history.query('s', 9000, 60, 60);
    expect(before.gone).toBe(false);
    expect(before.series.map((s) => s.key)).toEqual(['length', 'addRate', 'lag:g', 'readRate:g']);
    // One-second buckets: each sample stands alone (the last bucket also takes the sample at the window's end).
    expect(before.series[0]!.values.filter((v) => v !== null).slice(0, 4)).toEqual([0, 5, 10, 15]);
    history.record(10_000, [], ['s']);
    const after = history.query('s', 10_000, 60, 10);
    expect(after.gone).toBe(true);
    expect(after.series[0]!.values.some((v) => v !== null)).toBe(true);
    expect(history.knows('never')).toBe(false);
  });
});

describe('sampler parsing', () => {
  it('reads XINFO GROUPS rows of Redis 7 and of Redis 6.2 (no lag, no entries-read)', () => {
    expect(parseGroupRow(['name', 'g', 'consumers', 2, 'pending', 3, 'last-delivered-id', '5-0', 'entries-read', 5, 'lag', 7])).toMatchObject({ name: 'g', consumers: 2, pending: 3, lag: 7, entriesRead: 5 });
    expect(parseGroupRow(['name', 'g', 'consumers', 0, 'pending', 0, 'last-delivered-id', '0-0'])).toMatchObject({ lag: null, entriesRead: null });
    expect(idTime('1700000000123-4')).toBe(1700000000123);
    expect(idTime('1700000000123')).toBe(1700000000123);
  });
});
