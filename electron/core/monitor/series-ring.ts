/** One hour at one sample a second. */
export const HISTORY_CAPACITY = 3600;

/** The newest samples kept as they came: ten minutes at one a second. */
export const FINE_CAPACITY = 600;

/** Older samples are kept as averages over periods of this length. */
export const COARSE_PERIOD_MS = 10_000;

/** Series per slab allocation. */
const SLAB_SERIES = 64;

/**
 * Ring buffers of samples on one shared time axis, in two tiers (the way round-robin databases
 * keep history): the newest `FINE_CAPACITY` samples as they came, and the whole window
 * (`capacity` samples at one a second) as 10-second averages. Per series one Float32Array holds
 * both (NaN = no value): an hour costs (600 + 360) × 4 bytes a series instead of 3,600 × 4
 * (issue 19: 10 environments × 500 streams × 3 groups is 40,000 series, 576 MB flat, 154 MB
 * tiered). A chart of the last ten minutes sees every sample; an older bucket sees the
 * averages of the periods it overlaps. A ring smaller than FINE_CAPACITY has one tier.
 */
export class SeriesRing {
  readonly times: Float64Array;
  private readonly series = new Map<string, Float32Array>();
  /** Slot of the newest sample; -1 before the first. */
  private head = -1;
  private count = 0;
  private readonly fine: number;
  /** Coarse slots (0 when one tier): period start times, newest at coarseHead. */
  private readonly coarse: number;
  private readonly coarseTimes: Float64Array;
  private coarseHead = -1;
  private coarseCount = 0;
  /** The period (start time / COARSE_PERIOD_MS) the newest fine samples belong to; null before any. */
  private period: number | null = null;
  /** Series arrays are views into slabs of SLAB_SERIES (one allocation, not thousands); freed views are reused. */
  private slab: Float32Array | null = null;
  private slabUsed = 0;
  private readonly free: Float32Array[] = [];

  constructor(
    readonly capacity = HISTORY_CAPACITY,
    private readonly maxSeries = 50_000,
  ) {
    this.fine = Math.min(capacity, FINE_CAPACITY);
    this.coarse = capacity > FINE_CAPACITY ? Math.ceil((capacity * 1000) / COARSE_PERIOD_MS) : 0;
    this.times = new Float64Array(this.fine);
    this.coarseTimes = new Float64Array(this.coarse);
  }

  /** Starts a new sample at `at`: every series gets NaN in the new slot until written. */
  advance(at: number): void {
    if (this.coarse > 0) {
      const period = Math.floor(at / COARSE_PERIOD_MS);
      if (this.period !== null && period !== this.period) this.closePeriod(this.period);
      this.period = period;
    }
    this.head = (this.head + 1) % this.fine;
    this.count = Math.min(this.count + 1, this.fine);
    this.times[this.head] = at;
    for (const values of this.series.values()) values[this.head] = NaN;
  }

  /** Averages the fine samples of a finished period into the next coarse slot of every series. */
  private closePeriod(period: number): void {
    const start = period * COARSE_PERIOD_MS;
    const slots: number[] = [];
    for (let i = 0; i < this.count; i++) {
      const slot = (this.head - i + this.fine) % this.fine;
      if (this.times[slot]! < start) break;
      slots.push(slot);
    }
    this.coarseHead = (this.coarseHead + 1) % this.coarse;
    this.coarseCount = Math.min(this.coarseCount + 1, this.coarse);
    this.coarseTimes[this.coarseHead] = start;
    const at = this.fine + this.coarseHead;
    for (const values of this.series.values()) {
      let sum = 0;
      let n = 0;
      for (const slot of slots) {
        const v = values[slot]!;
        if (!Number.isNaN(v)) {
          sum += v;
          n += 1;
        }
      }
      values[at] = n > 0 ? sum / n : NaN;
    }
  }

  /** Writes a value of the current sample. Returns false when the series cap is reached. */
  write(key: string, value: number | null): boolean {
    if (this.head < 0) return false;
    let values = this.series.get(key);
    if (!values) {
      if (this.series.size >= this.maxSeries) return false;
      values = this.allocate();
      this.series.set(key, values);
    }
    values[this.head] = value === null ? NaN : value;
    return true;
  }

  private allocate(): Float32Array {
    const width = this.fine + this.coarse;
    let values = this.free.pop();
    if (!values) {
      if (!this.slab || this.slabUsed === SLAB_SERIES) {
        this.slab = new Float32Array(SLAB_SERIES * width);
        this.slabUsed = 0;
      }
      values = this.slab.subarray(this.slabUsed * width, (this.slabUsed + 1) * width);
      this.slabUsed += 1;
    }
    return values.fill(NaN);
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
      if (values.every((v) => Number.isNaN(v))) {
        this.series.delete(key);
        this.free.push(values);
      }
    }
  }

  get seriesCount(): number {
    return this.series.size;
  }

  /** Fine samples held (at most FINE_CAPACITY, or the capacity of a one-tier ring). */
  get sampleCount(): number {
    return this.count;
  }

  /** Bytes of samples held by the series (their slabs hold up to SLAB_SERIES - 1 series more). */
  get bytes(): number {
    return this.times.byteLength + this.coarseTimes.byteLength + this.series.size * (this.fine + this.coarse) * Float32Array.BYTES_PER_ELEMENT;
  }

  /**
   * Averages each series over `points` equal time buckets in [from, to]; a bucket with no value
   * is null. Samples still in the fine tier are used as they are; before the oldest of them,
   * each 10-second average counts once in every bucket its period overlaps. Cost: one pass over
   * the slots in the window per series.
   */
  downsample(keys: readonly string[], from: number, to: number, points: number): { stepMs: number; values: (number | null)[][] } {
    const stepMs = Math.max(1, (to - from) / points);
    const sums = keys.map(() => new Float64Array(points));
    const counts = keys.map(() => new Uint32Array(points));
    const arrays = keys.map((k) => this.series.get(k));
    const add = (bucket: number, slot: number) => {
      arrays.forEach((values, k) => {
        const v = values?.[slot];
        if (v !== undefined && !Number.isNaN(v)) {
          sums[k]![bucket]! += v;
          counts[k]![bucket]! += 1;
        }
      });
    };
    // Fine samples before this time have left the fine tier for some periods: the coarse tier answers there.
    const full = this.count === this.fine && this.coarse > 0;
    const oldestFine = this.count > 0 ? this.times[(this.head - this.count + 1 + this.fine) % this.fine]! : Infinity;
    const boundary = full ? Math.ceil(oldestFine / COARSE_PERIOD_MS) * COARSE_PERIOD_MS : -Infinity;
    for (let i = 0; i < this.count; i++) {
      const slot = (this.head - i + this.fine) % this.fine;
      const t = this.times[slot]!;
      if (t < from || t < boundary) break;
      if (t > to) continue;
      add(Math.min(points - 1, Math.floor((t - from) / stepMs)), slot);
    }
    if (full) {
      for (let i = 0; i < this.coarseCount; i++) {
        const c = (this.coarseHead - i + this.coarse) % this.coarse;
        const start = this.coarseTimes[c]!;
        const end = start + COARSE_PERIOD_MS;
        if (end <= from) break;
        if (start >= boundary || start > to) continue;
        const first = Math.max(0, Math.floor((Math.max(start, from) - from) / stepMs));
        const last = Math.min(points - 1, Math.ceil((Math.min(end, to) - from) / stepMs) - 1);
        for (let b = first; b <= last; b++) add(b, this.fine + c);
      }
    }
    return {
      stepMs,
      values: keys.map((_, k) => Array.from({ length: points }, (_, b) => (counts[k]![b]! > 0 ? sums[k]![b]! / counts[k]![b]! : null))),
    };
  }
}
