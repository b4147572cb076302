import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Cluster, Redis } from 'ioredis';
import { OwnRedis, freePort } from './brokers';
import { waitFor } from './wait';

const run = promisify(execFile);

/**
 * A Redis Cluster of three masters (no replicas) started on free ports in a temporary directory,
 * as the monitoring tests start one; private to the test, so stopping it is the whole clean-up.
 */
export class OwnCluster {
  readonly nodes: OwnRedis[] = [];
  private readonly dir = mkdtempSync(path.join(os.tmpdir(), 'wf-cluster-'));

  static async start(): Promise<OwnCluster> {
    const cluster = new OwnCluster();
    try {
      await cluster.boot();
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  private async boot(): Promise<void> {
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      const node = new OwnRedis(port, ['--cluster-enabled', 'yes', '--cluster-config-file', path.join(this.dir, `nodes-${port}.conf`), '--dir', this.dir]);
      this.nodes.push(node);
      await node.start();
    }
    await run('redis-cli', ['--cluster', 'create', ...this.nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '0', '--cluster-yes']);
    for (const node of this.nodes) {
      await waitFor(async () => {
        const client = new Redis({ port: node.port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null });
        client.on('error', () => undefined);
        try {
          await client.connect();
          return /cluster_state:ok/.test(await client.cluster('INFO'));
        } finally {
          client.disconnect();
        }
      }, `cluster_state:ok on ${node.port}`, 30_000);
    }
  }

  /** The environment profile's Redis settings: the first node as URL, the others as seeds. */
  get profile(): { url: string; cluster: { nodes: string[] } } {
    return { url: `redis://127.0.0.1:${this.nodes[0]!.port}`, cluster: { nodes: this.nodes.slice(1).map((n) => `127.0.0.1:${n.port}`) } };
  }

  /** The resolved settings the worker runtime takes (host/port of the first node, the cluster's seeds). */
  get settings() {
    return { host: '127.0.0.1', port: this.nodes[0]!.port, db: 0, username: '', password: '', tls: false, tlsSettings: null, cluster: { nodes: this.nodes.map((n) => ({ host: '127.0.0.1', port: n.port })) } };
  }

  /** A new client of the cluster (the caller disconnects it). */
  client(options: { maxRetriesPerRequest?: number | null } = {}): Cluster {
    const client = new Cluster([{ host: '127.0.0.1', port: this.nodes[0]!.port }], { redisOptions: { maxRetriesPerRequest: options.maxRetriesPerRequest ?? 20 } });
    client.on('error', () => undefined);
    return client;
  }

  async stop(): Promise<void> {
    for (const node of this.nodes) await node.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
