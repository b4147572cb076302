import type { Redis } from 'ioredis';
import { isCluster, nodeKey, type RedisClient } from './redis-client';

/** Discovery limits: keys looked at per SCAN step, steps per run, and streams tracked at most. */
export const DISCOVERY_LIMITS = { scanCount: 1000, stepsPerRun: 20, maxStreams: 2000 } as const;

/**
 * Finds stream keys with `SCAN … MATCH prefix* TYPE stream` in bounded steps. A full keyspace pass
 * may span several runs; the known set is replaced only when a pass completes, so streams deleted
 * meanwhile disappear at the end of the pass (or earlier, when sampling finds them gone). On a
 * Redis Cluster a pass scans every master in turn (the masters as the pass began; one that left
 * since is skipped, its keys are found on its successor by the next pass).
 *
 * SCAN may miss a key created while a pass is under way, so in a large keyspace a new stream could
 * wait a whole pass (many runs) to show. The streams the seed topology names (`probeNames`) are
 * therefore also looked up by name on every run (one TYPE each): they show the run they appear.
 */
export class StreamDiscovery {
  private cursor = '0';
  /** The masters of this pass ("host:port") and the one being scanned; one entry on a single server. */
  private passNodes: string[] = [];
  private nodeIndex = 0;
  private pass = new Set<string>();
  private known = new Set<string>();
  private hasCompletedPass = false;
  truncated = false;

  constructor(
    private readonly client: RedisClient,
    private readonly prefix: string,
    private readonly limits: { scanCount: number; stepsPerRun: number; maxStreams: number } = DISCOVERY_LIMITS,
    private readonly probeNames: readonly string[] = [],
  ) {}

  /** Runs at most `stepsPerRun` SCAN calls; returns the known stream names. */
  async run(): Promise<string[]> {
    const pattern = `${this.prefix.replace(/([*?[\]\\])/g, '\\$1')}*`;
    for (let step = 0; step < this.limits.stepsPerRun; step++) {
      const server = this.currentServer();
      if (!server) {
        this.completePass();
        break;
      }
      const [next, keys] = await server.scan(this.cursor, 'MATCH', pattern, 'COUNT', this.limits.scanCount, 'TYPE', 'stream');
      for (const key of keys) {
        if (this.pass.size < this.limits.maxStreams) this.pass.add(key);
        else this.truncated = true;
        // Show new streams at once rather than at the end of the pass.
        if (this.known.size < this.limits.maxStreams) this.known.add(key);
      }
      this.cursor = next;
      if (next === '0') {
        this.nodeIndex++;
        if (this.nodeIndex >= this.passNodes.length) {
          this.completePass();
          break;
        }
      }
    }
    await this.probe();
    return this.names();
  }

  /** The named streams that exist now join the known set (and this pass): a TYPE each, in parallel (each goes to its slot's master on a cluster). */
  private async probe(): Promise<void> {
    if (this.probeNames.length === 0) return;
    const types = await Promise.all(this.probeNames.map((name) => this.client.type(name).catch(() => 'none')));
    this.probeNames.forEach((name, i) => {
      if (types[i] !== 'stream') return;
      if (this.known.size < this.limits.maxStreams) this.known.add(name);
      if (this.pass.size < this.limits.maxStreams) this.pass.add(name);
    });
  }

  /** The server to SCAN next: the client itself, or the pass's current master of a cluster. */
  private currentServer(): Redis | null {
    if (!isCluster(this.client)) {
      this.passNodes = ['single'];
      return this.nodeIndex === 0 ? this.client : null;
    }
    const masters = this.client.nodes('master');
    // No masters known (slot map not loaded): fail this run rather than end the pass with nothing found.
    if (this.passNodes.length === 0 && masters.length === 0) throw new Error('the cluster has no known master yet');
    if (this.passNodes.length === 0) this.passNodes = masters.map(nodeKey);
    while (this.nodeIndex < this.passNodes.length) {
      const server = masters.find((node) => nodeKey(node) === this.passNodes[this.nodeIndex]);
      if (server) return server;
      this.nodeIndex++;
      this.cursor = '0';
    }
    return null;
  }

  private completePass(): void {
    this.known = this.pass;
    this.truncated = this.pass.size >= this.limits.maxStreams && this.truncated;
    this.pass = new Set();
    this.hasCompletedPass = true;
    this.passNodes = [];
    this.nodeIndex = 0;
    this.cursor = '0';
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
