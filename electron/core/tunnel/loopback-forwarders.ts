import net from 'node:net';
import type { ConnectionFailure } from '../../../shared/model/connection';
import type { Logger } from '../ports';
import { targetName } from './tunnelled-nodes';

/** One loopback listener of a tunnel. */
export interface Forwarder {
  server: net.Server;
  port: number;
  /** Where its connections go; null for a spare not handed out yet (its connections are closed). */
  target: { host: string; port: number } | null;
  /** The last failure of a stream to this target (forwarding refused, unreachable), cleared by a success. */
  failure: ConnectionFailure | null;
}

/**
 * The loopback listeners of one tunnel (127.0.0.1, free ports), one per forwarded target, each
 * accepted connection handed to `carry`. A few spares can be kept bound so that a target gets a
 * port synchronously (ioredis maps a node's address at once; Node binds a port asynchronously),
 * plus one listener that closes every connection: where a node goes that has no forwarder yet.
 */
export class LoopbackForwarders {
  private readonly byTarget = new Map<string, Forwarder>();
  /** Every forwarded target's loopback port by "host:port": the record the Redis node maps read (tunnelled-nodes.ts). */
  readonly ports: Record<string, number> = {};
  private readonly spares: Forwarder[] = [];
  private spareGoal = 0;
  private refilling: Promise<void> | null = null;
  private refuser: Promise<Forwarder> | null = null;
  private readonly servers = new Set<net.Server>();
  private closed = false;

  constructor(
    private readonly carry: (socket: net.Socket, host: string, port: number) => void,
    private readonly logger?: Logger,
  ) {}

  /** How many targets are forwarded. */
  get size(): number {
    return this.byTarget.size;
  }

  get(host: string, port: number): Forwarder | undefined {
    return this.byTarget.get(targetName(host, port));
  }

  byPort(localPort: number): Forwarder | undefined {
    return this.all().find((forwarder) => forwarder.port === localPort);
  }

  /** Every forwarder handed a target. */
  all(): Forwarder[] {
    return [...this.byTarget.values()];
  }

  /** The loopback port forwarding to `host:port` (one listener per target). */
  async forward(host: string, port: number): Promise<number> {
    if (this.closed) throw new Error('the SSH tunnel is closed');
    const existing = this.get(host, port);
    if (existing) return existing.port;
    const forwarder = await this.listen();
    const again = this.get(host, port);
    if (again) {
      this.servers.delete(forwarder.server);
      forwarder.server.close();
      return again.port;
    }
    return this.assign(forwarder, host, port);
  }

  /**
   * {@link forward} synchronously: a target seen before keeps its port, a new one gets a spare
   * ({@link reserveSpares}). Null when no spare is left; a listener for it is then bound in the
   * background, so the next lookup finds it.
   */
  forwardNow(host: string, port: number): number | null {
    if (this.closed) return null;
    const existing = this.get(host, port);
    if (existing) return existing.port;
    const spare = this.spares.shift();
    void this.refill();
    if (!spare) {
      this.forward(host, port).catch(() => undefined);
      return null;
    }
    return this.assign(spare, host, port);
  }

  /** Keeps `count` spares bound (refilled as they are handed out) and the refusing listener, whose port it resolves to. */
  async reserveSpares(count: number): Promise<number> {
    this.spareGoal = Math.max(this.spareGoal, count);
    this.refuser ??= this.listen();
    const [refuser] = await Promise.all([this.refuser, this.refill()]);
    return refuser.port;
  }

  /** Idempotent: closes every listener (the carried connections are the tunnel's). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.servers].map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    this.servers.clear();
    this.byTarget.clear();
    this.spares.length = 0;
  }

  private assign(forwarder: Forwarder, host: string, port: number): number {
    forwarder.target = { host, port };
    this.byTarget.set(targetName(host, port), forwarder);
    this.ports[targetName(host, port)] = forwarder.port;
    return forwarder.port;
  }

  private refill(): Promise<void> {
    this.refilling ??= (async () => {
      try {
        while (!this.closed && this.spares.length < this.spareGoal) this.spares.push(await this.listen());
      } catch (error) {
        if (!this.closed) this.logger?.warn('ssh forwarder spare not bound', { error: (error as Error).message });
      } finally {
        this.refilling = null;
      }
    })();
    return this.refilling;
  }

  /** A listener on a free loopback port carrying its connections to its target once it has one. */
  private async listen(): Promise<Forwarder> {
    const forwarder: Forwarder = { server: net.createServer(), port: 0, target: null, failure: null };
    const { server } = forwarder;
    server.on('connection', (socket) => {
      const target = forwarder.target;
      if (target && !this.closed) this.carry(socket, target.host, target.port);
      else socket.destroy();
    });
    server.on('error', (error) => this.logger?.warn('ssh forwarder error', { target: forwarder.target ? targetName(forwarder.target.host, forwarder.target.port) : 'spare', error: error.message }));
    this.servers.add(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    if (this.closed) {
      this.servers.delete(server);
      server.close();
      throw new Error('the SSH tunnel is closed');
    }
    forwarder.port = (server.address() as net.AddressInfo).port;
    return forwarder;
  }
}
