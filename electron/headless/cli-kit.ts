import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Result } from '../../shared/contract/result';
import { AppCore } from '../core/app-core';
import { resolveConfigHome } from '../core/environments/config-home';
import { FileSecretStore } from '../core/environments/file-secret-store';
import type { EnvironmentProfile } from '../core/environments/profile';
import type { WorkersServiceOptions } from '../core/workers/workers-service';
import { moduleDir } from './paths';

/**
 * What every CLI command shares: the command descriptor the dispatcher and the help text are
 * built from, the usage error (exit 2, usage printed), the core's open/close, the Result unwrap
 * (an error exits 1 with its code) and the `--json` / text output.
 */
export interface CliCommand {
  /** The first word on the command line. */
  name: string;
  /** Its lines of the help text, indented as they appear there. */
  usage: string;
  /** Runs it with the arguments after the name; resolves to the exit code. */
  run(args: string[]): Promise<number>;
}

/** A mistake on the command line: printed with the usage, exit code 2. */
export class UsageError extends Error {}

export function version(): string {
  for (const candidate of ['../../package.json', '../package.json']) {
    try {
      return (JSON.parse(readFileSync(path.resolve(moduleDir(), candidate), 'utf8')) as { version: string }).version;
    } catch {
      // try the next layout
    }
  }
  return '0.0.0';
}

export interface OpenOptions {
  startRuntimes: boolean;
  workerOptions?: WorkersServiceOptions;
}

export async function openCore(options: OpenOptions): Promise<AppCore> {
  const home = resolveConfigHome();
  return AppCore.create({
    workerOptions: options.workerOptions,
    home,
    secretStore: new FileSecretStore(home),
    mode: 'browser',
    version: version(),
    shouldStartRuntimes: options.startRuntimes,
    // One-shot commands read and act; the long-running host ingests, escalates and follows changes.
    alertOptions: { passive: !options.startRuntimes },
    writeLog: process.env.WATCHFLOOR_LOG ? (line) => process.stderr.write(line) : () => undefined,
  });
}

/** Opens the core (runtimes not started), runs `fn` and closes the core, also when `fn` throws. */
export async function withCore<T>(fn: (core: AppCore) => Promise<T>, options: OpenOptions = { startRuntimes: false }): Promise<T> {
  const core = await openCore(options);
  try {
    return await fn(core);
  } finally {
    await core.close();
  }
}

/**
 * Opens the core on the environment named `envName` with its runtime started, runs `fn` and
 * closes. `connect`: wait until its brokers are connected (or known down), or not at all.
 */
export function withEnvironment<T>(envName: string, connect: 'connected' | 'started', fn: (core: AppCore, env: EnvironmentProfile) => Promise<T>): Promise<T> {
  return withCore(async (core) => {
    const env = core.environments.find(envName);
    await core.startRuntimes([env.id]);
    if (connect === 'connected') await core.whenConnected(env.id);
    return fn(core, env);
  });
}

export function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw Object.assign(new Error(result.error.message), { code: result.error.code });
  return result.value;
}

export function print(value: unknown, asJson: boolean, text: () => string): void {
  process.stdout.write((asJson ? JSON.stringify(value, null, 2) : text()) + '\n');
}

/** Resolves when SIGINT/SIGTERM arrives or `seconds` pass. */
export function untilStopped(seconds?: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      clearTimeout(timer);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    const timer = seconds ? setTimeout(done, seconds * 1000) : undefined;
  });
}

/** A required flag, or a usage error saying which command needs it. */
export function required(value: string | undefined, message: string): string {
  if (!value) throw new UsageError(message);
  return value;
}

type FlagSpec<S extends string, B extends string> = { [K in S | B]: { type: K extends B ? 'boolean' : 'string' } };

/** parseArgs options from two name lists: flags with a value, and switches. */
export function flags<S extends string, B extends string = never>(strings: readonly S[], booleans: readonly B[] = []): FlagSpec<S, B> {
  return Object.fromEntries([...strings.map((name) => [name, { type: 'string' }]), ...booleans.map((name) => [name, { type: 'boolean' }])]) as FlagSpec<S, B>;
}
