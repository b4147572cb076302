import type { Redis } from 'ioredis';

/** Discovery limits: keys looked at per SCAN step, steps per run, and streams tracked at most. */
export const DISCOVERY_LIMITS = { scanCount: 1000, stepsPerRun: 20, maxStreams: 2000 } as const;

/**
 * Finds stream keys with `SCAN … MATCH prefix* TYPE stream` in bounded steps. A full keyspace pass
 * may span several runs; the known set is replaced only when a pass completes, so streams deleted
 * meanwhile disappear at the end of the pass (or earlier, when sampling finds them gone).
 */
export class StreamDiscovery {
  private cursor = '0';
  private pass = new Set<string>();
  private known = new Set<string>();
  private hasCompletedPass = false;
  truncated = false;

  constructor(
    private readonly client: Redis,
    private readonly prefix: string,
    private readonly limits: { scanCount: number; stepsPerRun: number; maxStreams: number } = DISCOVERY_LIMITS,
  ) {}

  /** Runs at most `stepsPerRun` SCAN calls; returns the known stream names. */
  async run(): Promise<string[]> {
    const pattern = `${this.prefix.replace(/([*?[\]\\])/g, '\\$1')}*`;
    for (let step = 0; step < this.limits.stepsPerRun; step++) {
      const [next, keys] = await this.client.scan(this.cursor, 'MATCH', pattern, 'COUNT', this.limits.scanCount, 'TYPE', 'stream');
      for (const key of keys) {
        if (this.pass.size < this.limits.maxStreams) this.pass.add(key);
        else this.truncated = true;
        // Show new streams at once rather than at the end of the pass.
        if (this.known.size < this.limits.maxStreams) this.known.add(key);
      }
      this.cursor = next;
      if (next === '0') {
        this.known = this.pass;
        this.truncated = this.pass.size >= this.limits.maxStreams && this.truncated;
        this.pass = new Set();
        this.hasCompletedPass = true;
        break;
      }
    }
    return this.names();
  }

  get isComplete(): boolean {
    return this.hasCompletedPass;
  }

  /** Forgets a stream that sampling found deleted. */
  forget(name: string): void {
    this.known.delete(name);
    this.pass.delete(name);
  }

  names(): string[] {
    return [...this.known].sort();
  }
}
