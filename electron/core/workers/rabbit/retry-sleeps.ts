/** The backoff waits of one consumer, all woken at once when it stops (no retry outlives `stop()`). */
export class RetrySleeps {
  private readonly wakers = new Set<() => void>();

  /** Resolves true after `ms`, or false as soon as {@link wakeAll} is called. */
  sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve(false);
      };
      const timer = setTimeout(() => {
        this.wakers.delete(wake);
        resolve(true);
      }, ms);
      this.wakers.add(wake);
    });
  }

  wakeAll(): void {
    for (const wake of [...this.wakers]) wake();
  }
}
