import { Cluster, type ClusterNode, type ClusterOptions } from 'ioredis';

type NodeMap = (key: string) => { host: string; port: number };
/** The console's cluster clients use ioredis's default (legacy) reply mapping. */
type LegacyReplies = ClusterOptions & { redisOptions?: ClusterOptions['redisOptions'] & { replyMapping?: 'legacy' } };

/**
 * A Redis Cluster whose nodes are reached through mapped addresses (an SSH tunnel's forwarders,
 * via `natMap`), following `MOVED` to the mapped node. ioredis records a MOVED target in its slot
 * table as the server named it rather than as mapped, so with a natMap the redirected command finds
 * no connection under that name and goes to a random node until its slot map is refreshed, often
 * ending in "Too many Cluster redirections" (redis/ioredis#1582). Here the redirect is handed to
 * ioredis already mapped, and that one lookup passes through the map unchanged. (`duplicate()`
 * copies the options, natMap included, into a plain Cluster: still mapped, without this fix;
 * nothing duplicates a cluster client today.)
 */
export class TunnelledCluster extends Cluster {
  private readonly map: NodeMap;
  private readonly passThrough: { key: string | null };

  constructor(seeds: ClusterNode[], options: ClusterOptions, map: NodeMap) {
    const passThrough: { key: string | null } = { key: null };
    super(seeds, { ...options, natMap: (key: string) => (key === passThrough.key ? identity(key) : map(key)) } as LegacyReplies);
    this.map = map;
    this.passThrough = passThrough;
  }

  override handleError(error: Error, ttl: { value?: unknown }, handlers: { moved: (slot: number, key: string) => void }): void {
    const [kind, , target] = error.message.split(' ');
    if (kind !== 'MOVED' || !target) return super.handleError(error, ttl, handlers);
    const mapped = this.map(target);
    const mappedKey = `${mapped.host}:${mapped.port}`;
    super.handleError(error, ttl, {
      ...handlers,
      moved: (slot: number) => {
        this.passThrough.key = mappedKey;
        try {
          handlers.moved(slot, mappedKey);
        } finally {
          this.passThrough.key = null;
        }
      },
    });
  }
}

/** A mapped key as a node's address again. */
function identity(key: string): { host: string; port: number } {
  const colon = key.lastIndexOf(':');
  return { host: key.slice(0, colon), port: Number(key.slice(colon + 1)) };
}
