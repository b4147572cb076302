import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type { Redis } from 'ioredis';

/**
 * The TCP connections this process holds, as "localPort>remotePort" (Linux: /proc/self/fd and
 * /proc/net/tcp*). Both ports, since Linux reuses one ephemeral port for connections to different
 * destinations: a connection not among them was opened by another process.
 */
export function ownTcpConnections(): Set<string> {
  const inodes = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`));
      if (match) inodes.add(match[1]!);
    } catch {
      // closed meanwhile
    }
  }
  const connections = new Set<string>();
  const port = (address: string) => Number.parseInt(address.split(':')[1]!, 16);
  for (const table of ['/proc/self/net/tcp', '/proc/self/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length > 9 && inodes.has(fields[9]!)) connections.add(`${port(fields[1]!)}>${port(fields[2]!)}`);
    }
  }
  return connections;
}

/** A server's connections whose name contains `name`, from CLIENT LIST, as "clientPort>serverPort" (`addr`, `laddr`). */
export async function clientConnections(server: Redis, name: string): Promise<string[]> {
  const list = (await server.client('LIST')) as string;
  return list
    .split('\n')
    .filter((line) => new RegExp(`\\bname=\\S*${name}`).test(line))
    .map((line) => `${/\baddr=\S+:(\d+)\b/.exec(line)?.[1]}>${/\bladdr=\S+:(\d+)\b/.exec(line)?.[1]}`);
}
