import { migrate } from '../../electron/core/database/schema';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { PostgresSettings } from '../../electron/core/environments/resolved-environment';
import { setting } from '../prereqs/requirements';
import { freePort } from './brokers';
import { waitFor } from './wait';

/**
 * The test database on the machine's PostgreSQL (trust auth for 127.0.0.1): `watchfloor_test`,
 * made by `.ci/setup.sh`. Tests never create tables in it: each makes its own wf_test_… database
 * from this connection and drops it.
 */
export const POSTGRES_URL = setting(process.env, 'POSTGRES_URL');

const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

function settingsOf(url: string, database?: string): PostgresSettings {
  const u = new URL(url);
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: Number(u.port || 5432),
    database: database ?? decodeURIComponent(u.pathname.slice(1) || 'postgres'),
    user: decodeURIComponent(u.username || 'postgres'),
    password: decodeURIComponent(u.password),
    tls: false,
    tlsSettings: null,
  };
}

/** A database of one test on a server (the shared one by default): created now, dropped by `drop()` (call it in afterAll). */
export interface TestDatabase {
  name: string;
  settings: PostgresSettings;
  /** postgres://… of this database, password included. */
  url: string;
  /** A client on it (closed by the caller). */
  client(): Promise<pg.Client>;
  drop(): Promise<void>;
}

/** A test database brought to the newest schema (every migration applied), dropped by the caller. */
export async function createMigratedDatabase(serverUrl = POSTGRES_URL): Promise<TestDatabase> {
  const db = await createTestDatabase(serverUrl);
  const client = await db.client();
  try {
    await migrate(client);
  } finally {
    await client.end();
  }
  return db;
}

export async function createTestDatabase(serverUrl = POSTGRES_URL): Promise<TestDatabase> {
  const name = `wf_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client(settingsOf(serverUrl));
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const settings = settingsOf(serverUrl, name);
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return {
    name,
    settings,
    url: u.toString(),
    async client() {
      const client = new pg.Client(settings);
      await client.connect();
      return client;
    },
    async drop() {
      const client = new pg.Client(settingsOf(serverUrl));
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/**
 * A private PostgreSQL on a free port in a temp dir (initdb + postgres), with password
 * authentication (scram-sha-256), for tests that kill the database or need a password checked.
 * Runs as the `postgres` OS user when the tests run as root (PostgreSQL refuses root).
 */
export class OwnPostgres {
  private child: ChildProcess | undefined;
  private constructor(
    readonly port: number,
    readonly dir: string,
    readonly password: string,
    private readonly pgBin: string,
  ) {}

  /** postgres://postgres:PASSWORD@127.0.0.1:PORT/postgres */
  get url(): string {
    return `postgres://postgres:${this.password}@127.0.0.1:${this.port}/postgres`;
  }

  /** `pgBin`: another PostgreSQL tree's bin directory (the TimescaleDB stand-in's, timescale-stub.ts). */
  static async start(password = `pw-${randomBytes(6).toString('hex')}`, pgBin = PG_BIN): Promise<OwnPostgres> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wf-pg-'));
    const asRoot = process.getuid?.() === 0;
    const pwFile = path.join(dir, 'pw');
    writeFileSync(pwFile, `${password}\n`);
    if (asRoot) {
      const uid = Number(spawnSync('id', ['-u', 'postgres']).stdout.toString().trim());
      const gid = Number(spawnSync('id', ['-g', 'postgres']).stdout.toString().trim());
      chownSync(dir, uid, gid);
      chownSync(pwFile, uid, gid);
    }
    const initdb = OwnPostgres.command(`${pgBin}/initdb`, ['-D', path.join(dir, 'data'), '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${pwFile}`, '-E', 'UTF8', '--no-sync']);
    const made = spawnSync(initdb[0]!, initdb.slice(1), { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`initdb failed: ${made.stderr || made.stdout}`);
    const server = new OwnPostgres(await freePort(), dir, password, pgBin);
    await server.start();
    return server;
  }

  private static command(binary: string, args: string[]): string[] {
    return process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--', binary, ...args] : [binary, ...args];
  }

  settings(database = 'postgres'): PostgresSettings {
    return settingsOf(this.url, database);
  }

  async start(): Promise<void> {
    const cmd = OwnPostgres.command(`${this.pgBin}/postgres`, ['-D', path.join(this.dir, 'data'), '-p', String(this.port), '-c', 'listen_addresses=127.0.0.1', '-k', this.dir, '-c', 'fsync=off', '-c', 'max_connections=40']);
    this.child = spawn(cmd[0]!, cmd.slice(1), { stdio: 'ignore' });
    await waitFor(async () => {
      const client = new pg.Client({ ...this.settings(), connectionTimeoutMillis: 1000 });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.query('SELECT 1');
        return true;
      } catch {
        return false;
      } finally {
        await client.end().catch(() => undefined);
      }
    }, `own PostgreSQL on ${this.port}`, 30_000, 200);
  }

  /** kill -9 of the server and every backend: the database vanishes mid-transaction. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // The postmaster (first line of its pid file) and its backends, by process id: all die at once.
    let postmaster = 0;
    try {
      postmaster = Number(readFileSync(path.join(this.dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
    } catch {
      postmaster = 0;
    }
    const backends = postmaster ? spawnSync('ps', ['-o', 'pid=', '--ppid', String(postmaster)], { encoding: 'utf8' }).stdout.split(/\s+/).filter(Boolean).map(Number) : [];
    for (const pid of [postmaster, ...backends, child.pid].filter((p) => p > 0)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await exited;
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await waitFor(() => ![postmaster, ...backends].some((pid) => pid > 0 && alive(pid)), 'the killed PostgreSQL processes gone', 15_000, 50);
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
