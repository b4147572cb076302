/**
 * A counter that only goes up, fed with raw readings that may go down (a DLQ length after a
 * replay): each positive step is added, a drop is ignored. Keeps its change points for the
 * longest window asked, so `increaseOver` answers "how much was added in the last W ms".
 */
export class CounterWindow {
  private total = 0;
  private lastRaw: number | null = null;
  /** [epoch ms, total] at each change, oldest first; the first is the baseline. */
  private points: [number, number][] = [];

  constructor(
    private readonly keepMs: number,
    private readonly maxPoints = 4096,
  ) {}

  /** Records a raw reading at `at`. */
  observe(at: number, raw: number): void {
    if (this.lastRaw !== null && raw > this.lastRaw) this.total += raw - this.lastRaw;
    const isFirst = this.lastRaw === null;
    this.lastRaw = raw;
    const last = this.points[this.points.length - 1];
    if (isFirst || (last && last[1] !== this.total)) this.points.push([at, this.total]);
    this.prune(at);
  }

  /** Adds a known increase directly (a rate × time when no counter is available). */
  add(at: number, amount: number): void {
    if (this.points.length === 0) this.points.push([at, 0]);
    if (amount <= 0) return;
    this.total += amount;
    this.points.push([at, this.total]);
    this.prune(at);
  }

  /** How much was added after `now - windowMs` (up to now); 0 before any reading. */
  increaseOver(windowMs: number, now: number): number {
    const start = now - windowMs;
    let base: number | null = null;
    for (const [at, total] of this.points) {
      if (at <= start) base = total;
      else break;
    }
    // Younger than the window: everything seen since the first reading counts.
    return this.total - (base ?? this.points[0]?.[1] ?? this.total);
  }

  /** Epoch ms of the first reading still held, or null. */
  get firstAt(): number | null {
    return this.points[0]?.[0] ?? null;
  }

  private prune(now: number): void {
    // Keep the newest point at or before the window start: it is the baseline.
    const start = now - this.keepMs;
    let drop = 0;
    while (drop + 1 < this.points.length && this.points[drop + 1]![0] <= start) drop++;
    if (this.points.length - drop > this.maxPoints) drop = this.points.length - this.maxPoints;
    if (drop > 0) this.points = this.points.slice(drop);
  }
}
