/** One hour at one sample a second. */
export const HISTORY_CAPACITY = 3600;

/**
 * Ring buffers of samples on one shared time axis: one Float64Array of sample times and one
 * Float32Array per series (NaN = no value), so an hour of history costs 4 bytes per value.
 */
export class SeriesRing {
  readonly times: Float64Array;
  private readonly series = new Map<string, Float32Array>();
  /** Slot of the newest sample; -1 before the first. */
  private head = -1;
  private count = 0;

  constructor(
    readonly capacity = HISTORY_CAPACITY,
    private readonly maxSeries = 50_000,
  ) {
    this.times = new Float64Array(capacity);
  }

  /** Starts a new sample at `at`: every series gets NaN in the new slot until written. */
  advance(at: number): void {
    this.head = (this.head + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
    this.times[this.head] = at;
    for (const values of this.series.values()) values[this.head] = NaN;
  }

  /** Writes a value of the current sample. Returns false when the series cap is reached. */
  write(key: string, value: number | null): boolean {
    if (this.head < 0) return false;
    let values = this.series.get(key);
    if (!values) {
      if (this.series.size >= this.maxSeries) return false;
      values = new Float32Array(this.capacity).fill(NaN);
      this.series.set(key, values);
    }
    values[this.head] = value === null ? NaN : value;
    return true;
  }

  has(key: string): boolean {
    return this.series.has(key);
  }

  keys(): IterableIterator<string> {
    return this.series.keys();
  }

  /** Drops series whose every slot is empty (e.g. streams deleted over an hour ago). */
  prune(isKept: (key: string) => boolean): void {
    for (const [key, values] of this.series) {
      if (isKept(key)) continue;
      if (values.every((v) => Number.isNaN(v))) this.series.delete(key);
    }
  }

  get seriesCount(): number {
    return this.series.size;
  }

  get sampleCount(): number {
    return this.count;
  }

  /** Bytes held by the typed arrays. */
  get bytes(): number {
    return this.times.byteLength + this.series.size * this.capacity * Float32Array.BYTES_PER_ELEMENT;
  }

  /**
   * Averages each series over `points` equal time buckets in [from, to]; a bucket with no value
   * is null. Cost: one pass over the slots in the window per series.
   */
  downsample(keys: readonly string[], from: number, to: number, points: number): { stepMs: number; values: (number | null)[][] } {
    const stepMs = Math.max(1, (to - from) / points);
    const sums = keys.map(() => new Float64Array(points));
    const counts = keys.map(() => new Uint32Array(points));
    const arrays = keys.map((k) => this.series.get(k));
    for (let i = 0; i < this.count; i++) {
      const slot = (this.head - i + this.capacity) % this.capacity;
      const t = this.times[slot]!;
      if (t < from) break;
      if (t > to) continue;
      const bucket = Math.min(points - 1, Math.floor((t - from) / stepMs));
      arrays.forEach((values, k) => {
        const v = values?.[slot];
        if (v !== undefined && !Number.isNaN(v)) {
          sums[k]![bucket]! += v;
          counts[k]![bucket]! += 1;
        }
      });
    }
    return {
      stepMs,
      values: keys.map((_, k) => Array.from({ length: points }, (_, b) => (counts[k]![b]! > 0 ? sums[k]![b]! / counts[k]![b]! : null))),
    };
  }
}
