import { Redis } from 'ioredis';
import { StreamSampler } from '../../electron/core/brokers/redis/stream-sampler';
import { Redactor } from '../../electron/core/redaction';
import { SshTunnel } from '../../electron/core/tunnel/ssh-tunnel';
import { REDIS_URL } from '../helpers/brokers';
import { monitorStreamNames } from './stream-fixture';

/**
 * One side of the tunnel bench's RSS figure, in a process of its own (run with --expose-gc): the
 * RSS a Redis client and 40 monitor ticks over the parent's streams add, directly or through an
 * SSH tunnel (the parent's sshd, from WF_SSH). Prints {"mode", "rssAddedMb"}.
 */
const mode = process.argv[2] === 'tunnel' ? 'tunnel' : 'direct';
const ns = process.env.WF_NS!;
const streams = Number(process.env.WF_STREAMS);
const rssMb = () => {
  for (let i = 0; i < 3; i++) globalThis.gc?.();
  return process.memoryUsage().rss / 1024 / 1024;
};

const before = rssMb();
const url = new URL(REDIS_URL);
let tunnel: SshTunnel | null = null;
let client: Redis;
if (mode === 'tunnel') {
  const ssh = JSON.parse(process.env.WF_SSH!) as { port: number; user: string; keyFile: string; hostKey: string };
  tunnel = new SshTunnel({ host: '127.0.0.1', port: ssh.port, user: ssh.user, auth: 'key', keyFile: ssh.keyFile, hostKey: ssh.hostKey }, { redactor: new Redactor(), knownHostsFile: null });
  client = new Redis({ host: '127.0.0.1', port: await tunnel.forward(url.hostname, Number(url.port || 6379)) });
} else {
  client = new Redis(REDIS_URL);
}
const sampler = new StreamSampler();
const names = monitorStreamNames(ns, streams);
for (let i = 0; i < 41; i++) await sampler.sample(client, names);
const after = rssMb();
process.stdout.write(JSON.stringify({ mode, rssAddedMb: Math.round((after - before) * 10) / 10 }) + '\n');
client.disconnect();
await tunnel?.close();
process.exit(0);
