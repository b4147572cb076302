import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { waitFor } from './wait';

const run = promisify(execFile);

/** A one-shot CLI command under `home` (tsx, the source tree): its exit code and output. */
export function cliIn(home: string, extraEnv: Record<string, string> = {}) {
  return (...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'electron/headless/cli.ts', ...args], { env: { ...process.env, WATCHFLOOR_HOME: home, ...extraEnv }, timeout: 60_000 }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );
}

/** A `watchfloor work` process (a server-only deployment), its output collected. */
export class WorkProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  private readonly exited: Promise<number | null>;

  constructor(home: string, args: string[], extraEnv: Record<string, string> = {}) {
    this.child = spawn(process.execPath, ['--import', 'tsx', 'electron/headless/cli.ts', 'work', ...args], { env: { ...process.env, WATCHFLOOR_HOME: home, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (c: Buffer) => (this.stdout += c.toString('utf8')));
    this.child.stderr!.on('data', (c: Buffer) => (this.stderr += c.toString('utf8')));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  /** Resolves once it printed that its workers run ("Workers on …"). */
  async started(timeoutMs = 60_000): Promise<void> {
    await waitFor(() => {
      if (this.child.exitCode !== null) throw new Error(`work exited with ${this.child.exitCode}: ${this.stderr}`);
      return this.stdout.includes('Workers on ');
    }, 'work to start its workers', timeoutMs, 100);
  }

  /** SIGTERM, then the exit code (SIGKILL after 20 s). */
  async stop(): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}
