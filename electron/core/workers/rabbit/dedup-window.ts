/**
 * Ids handled within the last `windowMs`, in memory. Enough for RabbitMQ: a queue hands each
 * message to one consumer, and a redelivery after a lost ack comes back to a consumer of the same
 * queue within seconds — usually this one, on its new channel. Redis Streams processors share
 * their dedup marks in Redis because several consoles read one group; here a missed duplicate in
 * another process only re-runs an idempotent handler (HSET, deterministic alert ids). Bounded:
 * past `maxEntries` the oldest ids are forgotten first (insertion order of the Map).
 */
export class DedupWindow {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly windowMs = 5 * 60_000,
    private readonly maxEntries = 200_000,
  ) {}

  /** True when `id` was marked within the window. */
  has(id: string, now: number): boolean {
    const at = this.seen.get(id);
    if (at === undefined) return false;
    if (now - at > this.windowMs) {
      this.seen.delete(id);
      return false;
    }
    return true;
  }

  /** Marks `id` as handled at `now`, evicting expired and, past the cap, the oldest entries. */
  mark(id: string, now: number): void {
    this.seen.delete(id);
    this.seen.set(id, now);
    if (this.seen.size > this.maxEntries) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    // Entries are in time order: drop the expired head a few at a time.
    for (let i = 0; i < 4; i++) {
      const first = this.seen.entries().next().value;
      if (!first || now - first[1] <= this.windowMs) break;
      this.seen.delete(first[0]);
    }
  }

  get size(): number {
    return this.seen.size;
  }
}
