/**
 * The rate cap of a replay job: a token bucket that refills at `rate` tokens/s and holds at most
 * one batch, kept as the time its tokens are all earned (GCRA), so a job that waited for a pause or a
 * slow Redis bursts by one batch at most to catch up. Pure: the caller gives the time and sleeps.
 */
export class TokenBucket {
  /** When the tokens taken so far have all been earned, ms. */
  private earnedAt: number | null = null;

  constructor(private readonly rate: number | null) {}

  /** The largest batch worth taking at once: at most one second of tokens, and at least one. */
  batchSize(batch: number): number {
    return this.rate === null ? batch : Math.max(1, Math.min(batch, Math.floor(this.rate)));
  }

  /** Takes `n` tokens at `now`; returns how long to wait before using them, ms (0: go). */
  take(n: number, now: number): number {
    if (this.rate === null) return 0;
    const slot = (n * 1000) / this.rate;
    // Running late by up to one batch (the batch's own work, a slow reply) is made up, so the
    // measured rate is the cap, not the cap less the overhead; later than that is not.
    const from = this.earnedAt === null ? now : Math.max(this.earnedAt, now - slot);
    this.earnedAt = from + slot;
    // The tokens of a batch are earned by the end of its slot: the first batch waits too, so N
    // entries take N / rate seconds, not one batch less.
    return this.earnedAt - now;
  }
}

/** Messages/s over the last `windowMs` of progress samples (for the panel's rate and ETA). */
export class RateMeter {
  private readonly samples: { at: number; done: number }[] = [];

  constructor(private readonly windowMs = 5000) {}

  add(at: number, done: number): void {
    this.samples.push({ at, done });
    while (this.samples.length > 2 && at - this.samples[0]!.at > this.windowMs) this.samples.shift();
  }

  /** null until two samples a moment apart. */
  rate(): number | null {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last.at - first.at < 50) return null;
    return ((last.done - first.done) * 1000) / (last.at - first.at);
  }
}
