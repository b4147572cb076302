import { Cluster, type Redis } from 'ioredis';
import { CodedError } from '../../../../shared/contract/errors';

/** A Redis connection the console reads through: one server (standalone or behind Sentinel) or a Redis Cluster. */
export type RedisClient = Redis | Cluster;

/** Whether the client talks to a Redis Cluster. */
export function isCluster(client: RedisClient): client is Cluster {
  return client instanceof Cluster;
}

/**
 * The client as a single server, or UNSUPPORTED on a cluster: for features whose Lua scripts touch
 * keys they do not declare (or keys of several slots), which a cluster cannot run.
 */
export function requireStandalone(client: RedisClient, feature: string): Redis {
  if (isCluster(client)) throw new CodedError('UNSUPPORTED', `${feature} is not available on a Redis Cluster (its scripts touch keys of several slots)`);
  return client;
}

/** The servers that hold keys: every master of a cluster, or the one server. */
export function keyServers(client: RedisClient): Redis[] {
  return isCluster(client) ? client.nodes('master') : [client];
}

/** "host:port" of one server of a cluster, as ioredis names it in `cluster.slots`. */
export function nodeKey(node: Redis): string {
  return `${node.options.host}:${node.options.port}`;
}

const CRC16_TABLE = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[i] = crc;
  }
  return table;
})();

/** The cluster hash slot of a key (CRC16/XMODEM mod 16384, honouring a `{hash tag}`), as Redis computes it. */
export function keySlot(key: string): number {
  let bytes = Buffer.from(key);
  const open = bytes.indexOf(0x7b);
  if (open >= 0) {
    const close = bytes.indexOf(0x7d, open + 1);
    if (close > open + 1) bytes = bytes.subarray(open + 1, close);
  }
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) & 0xffff) ^ CRC16_TABLE[((crc >> 8) ^ byte) & 0xff]!;
  return crc % 16384;
}
