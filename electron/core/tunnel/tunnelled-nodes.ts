/**
 * How a Redis client behind an SSH tunnel reaches the nodes that discovery names: the addresses
 * Sentinel announces (the primary, after a failover the new one, other sentinels) and those of a
 * Cluster's slot map, `MOVED` and `ASK` are each mapped (ioredis `natMap`) to a loopback forwarder
 * of the environment's one SSH connection — never connected to directly.
 *
 * ioredis asks for a mapping synchronously, so the tunnel of this thread hands out a listener it
 * keeps ready (see `SshTunnel.forwardNow`). The settings themselves stay plain data: a worker
 * thread gets a copy without the live tunnel and maps with the forwarders known when it started.
 */
export interface TunnelledNodes {
  /** The tunnel that creates forwarders on demand, in the thread that opened it. */
  tunnelId: string;
  /** "host:port" of a forwarded target → its loopback port (the tunnel's own record, kept up to date in its thread). */
  forwarders: Record<string, number>;
  /** A loopback listener that closes every connection: where a node goes that has no forwarder yet. */
  refusedPort: number;
}

/** The part of a tunnel node mapping needs: a forwarder for a target now, or null when none is ready. */
export interface NodeForwarding {
  forwardNow(host: string, port: number): number | null;
}

/** The tunnels open in this thread (a natMap cannot carry a function into a worker thread). */
const LIVE = new Map<string, NodeForwarding>();

/** Makes a tunnel's forwarders available to the node maps naming it; returns the undo. */
export function registerNodeForwarding(tunnelId: string, forwarding: NodeForwarding): () => void {
  LIVE.set(tunnelId, forwarding);
  return () => {
    if (LIVE.get(tunnelId) === forwarding) LIVE.delete(tunnelId);
  };
}

/** "host:port" of a forwarded target (IPv6 in brackets). */
export function targetName(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** The host and port of a node key as ioredis writes it ("host:port", the host possibly IPv6 without brackets). */
export function parseNodeKey(key: string): { host: string; port: number } | null {
  const colon = key.lastIndexOf(':');
  if (colon <= 0) return null;
  const port = Number(key.slice(colon + 1));
  if (!Number.isInteger(port) || port <= 0 || port > 65535) return null;
  return { host: key.slice(0, colon).replace(/^\[|\]$/g, ''), port };
}

/**
 * The ioredis `natMap` for nodes behind the tunnel: every node to 127.0.0.1 and its forwarder's
 * port — one created now by the live tunnel, else one known when the settings were made, else the
 * refusing listener (the client then fails and retries; the live tunnel has opened a forwarder meanwhile).
 */
export function tunnelNatMap(nodes: TunnelledNodes): (key: string) => { host: string; port: number } {
  return (key) => {
    const target = parseNodeKey(key);
    if (!target) return { host: '127.0.0.1', port: nodes.refusedPort };
    const port = LIVE.get(nodes.tunnelId)?.forwardNow(target.host, target.port) ?? nodes.forwarders[targetName(target.host, target.port)] ?? nodes.refusedPort;
    return { host: '127.0.0.1', port };
  };
}
