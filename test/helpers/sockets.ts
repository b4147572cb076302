import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type { Redis } from 'ioredis';

/**
 * The local ports of the TCP sockets this process holds (Linux: /proc/self/fd and /proc/net/tcp*).
 * A connection whose client end is not among them was opened by another process.
 */
export function ownTcpPorts(): Set<number> {
  const inodes = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`));
      if (match) inodes.add(match[1]!);
    } catch {
      // closed meanwhile
    }
  }
  const ports = new Set<number>();
  for (const table of ['/proc/self/net/tcp', '/proc/self/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length > 9 && inodes.has(fields[9]!)) ports.add(Number.parseInt(fields[1]!.split(':')[1]!, 16));
    }
  }
  return ports;
}

/** The client ports (`addr`) of a server's connections whose name contains `name`, from CLIENT LIST. */
export async function clientPorts(server: Redis, name: string): Promise<number[]> {
  const list = (await server.client('LIST')) as string;
  return list
    .split('\n')
    .filter((line) => new RegExp(`\\bname=\\S*${name}`).test(line))
    .map((line) => Number(/\baddr=\S+:(\d+)\b/.exec(line)?.[1]));
}
