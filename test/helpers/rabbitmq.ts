import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { freePort } from './brokers';
import { waitFor } from './wait';

/**
 * A private RabbitMQ node for tests that must put a broker in a state the shared one must never be
 * in (a memory alarm, a stop): `rabbitmq-server` in the foreground with its own node name, AMQP,
 * distribution and management ports, data and log dirs in a temp dir, and the lines of
 * `rabbitmq.conf` given. Debian's script runs the node as the `rabbitmq` user, so the temp dir is
 * handed to it when this runs as root. Never the machine's node on 5672/15672.
 */
export class OwnRabbit {
  readonly nodeName = `wftest${randomBytes(3).toString('hex')}@localhost`;
  private child: ChildProcess | undefined;

  private constructor(
    readonly dir: string,
    readonly amqpPort: number,
    readonly managementPort: number,
  ) {}

  get amqpUrl(): string {
    return `amqp://guest:guest@127.0.0.1:${this.amqpPort}`;
  }
  get managementUrl(): string {
    return `http://guest:guest@127.0.0.1:${this.managementPort}`;
  }

  static async start(configLines: string[] = []): Promise<OwnRabbit> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wf-rabbit-'));
    const [amqpPort, managementPort, distPort] = [await freePort(), await freePort(), await freePort()];
    const rabbit = new OwnRabbit(dir, amqpPort, managementPort);
    mkdirSync(path.join(dir, 'mnesia'));
    mkdirSync(path.join(dir, 'log'));
    writeFileSync(path.join(dir, 'enabled_plugins'), '[rabbitmq_management].\n');
    // loopback_users = none: guest may log in (it may from 127.0.0.1 anyway; kept explicit).
    writeFileSync(path.join(dir, 'rabbitmq.conf'), [`listeners.tcp.default = ${amqpPort}`, `management.tcp.port = ${managementPort}`, 'management.tcp.ip = 127.0.0.1', ...configLines, ''].join('\n'));
    chmodSync(dir, 0o755);
    if (process.getuid?.() === 0) execFileSync('chown', ['-R', 'rabbitmq:rabbitmq', dir]);
    rabbit.child = spawn('rabbitmq-server', [], {
      env: {
        ...process.env,
        RABBITMQ_NODENAME: rabbit.nodeName,
        RABBITMQ_NODE_PORT: String(amqpPort),
        RABBITMQ_DIST_PORT: String(distPort),
        RABBITMQ_MNESIA_BASE: path.join(dir, 'mnesia'),
        RABBITMQ_LOG_BASE: path.join(dir, 'log'),
        RABBITMQ_ENABLED_PLUGINS_FILE: path.join(dir, 'enabled_plugins'),
        RABBITMQ_CONFIG_FILE: path.join(dir, 'rabbitmq'),
        RABBITMQ_PID_FILE: path.join(dir, 'pid'),
      },
      stdio: 'ignore',
      detached: true,
    });
    try {
      await waitFor(
        async () => {
          if (rabbit.child?.exitCode !== null) throw new Error(`rabbitmq-server exited (${rabbit.child?.exitCode}); see ${dir}/log`);
          const response = await fetch(`http://127.0.0.1:${managementPort}/api/overview`, { headers: { authorization: `Basic ${Buffer.from('guest:guest').toString('base64')}` } });
          return response.ok;
        },
        `private RabbitMQ node ${rabbit.nodeName} with its management API`,
        90_000,
        250,
      );
    } catch (error) {
      await rabbit.stop();
      throw error;
    }
    return rabbit;
  }

  /** Stops the node (rabbitmqctl stop, then the process group) and removes its files. */
  async stop(): Promise<void> {
    try {
      execFileSync('rabbitmqctl', ['-n', this.nodeName, 'stop'], { stdio: 'ignore', timeout: 30_000 });
    } catch {
      // not running, or not answering: the process group goes below
    }
    const child = this.child;
    if (child?.pid && child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
