/** Push limits: at most 4 flushes a second per topic, and a cap on items per flush. */
export const PUSH_INTERVAL_MS = 250;
export const PUSH_MAX_ITEMS = 5000;

/**
 * Coalesces high-rate updates by key (the latest value per key wins) and flushes them at most
 * once per interval, with a count of what was dropped over the cap.
 */
export class KeyedBatcher<T> {
  private pending = new Map<string, T>();
  private dropped = 0;
  private timer: NodeJS.Timeout | undefined;
  private lastFlushAt = 0;

  constructor(
    private readonly flush: (items: T[], dropped: number) => void,
    private readonly intervalMs = PUSH_INTERVAL_MS,
    private readonly maxItems = PUSH_MAX_ITEMS,
    private readonly now: () => number = Date.now,
  ) {}

  push(key: string, value: T): void {
    if (!this.pending.has(key) && this.pending.size >= this.maxItems) {
      this.dropped++;
    } else {
      this.pending.set(key, value);
    }
    if (this.timer) return;
    const wait = Math.max(0, this.lastFlushAt + this.intervalMs - this.now());
    this.timer = setTimeout(() => this.drain(), wait);
    this.timer.unref?.();
  }

  /** Flushes now (used on shutdown and by tests). */
  drain(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0 && this.dropped === 0) return;
    const items = [...this.pending.values()];
    const dropped = this.dropped;
    this.pending = new Map();
    this.dropped = 0;
    this.lastFlushAt = this.now();
    this.flush(items, dropped);
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }
}
