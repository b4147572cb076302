import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ProcessorName, ProcessorSettings, WorkersView } from '../../../shared/model/workers';
import type { Logger } from '../ports';
import type { StartOptions, WorkerRuntimeConfig } from './worker-runtime';
import type { ResolvedDestinations } from './destinations-store';
import { PendingCalls } from '../../../shared/contract/pending-calls';
import { callErrorToError, type ThreadEvent, type ThreadReply, type ThreadRequest } from './worker-thread-protocol';
type RequestBody = ThreadRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/**
 * Where the thread's entry is: next to the bundle when built (`dist/workers/worker-thread.cjs`,
 * unpacked from the asar archive in a packaged app), else the TypeScript source, loaded through
 * tsx (tests and `npm run cli`).
 */
function threadEntry(): { file: string; isSource: boolean } {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.cjs')) {
    const built = path.join(path.dirname(here), '..', 'workers', 'worker-thread.cjs').replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`);
    return { file: built, isSource: false };
  }
  return { file: path.join(path.dirname(here), 'worker-thread.ts'), isSource: true };
}

/** Finds the project root (for tsx) from a source file. */
function projectRoot(from: string): string {
  let dir = path.dirname(from);
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

/**
 * The host's side of one environment's workers thread: the same operations as WorkerRuntime, as
 * messages. Views arrive ~4 times a second; a thread that dies is reported on every processor it
 * ran and can be started again.
 */
export class WorkerThreadHost {
  private worker: Worker | null = null;
  /** Requests the thread has not answered; one that stays unanswered fails after the shared deadline instead of hanging a window. */
  private readonly pending = new PendingCalls({ peer: 'the workers thread' });
  private readonly listeners = new Set<(view: WorkersView) => void>();
  private last: WorkersView | null = null;
  private isClosing = false;

  constructor(
    private readonly config: WorkerRuntimeConfig,
    private readonly logger: Logger,
  ) {}

  onView(listener: (view: WorkersView) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get lastView(): WorkersView | null {
    return this.last;
  }

  get isRunning(): boolean {
    return this.worker !== null && (this.last?.isRunning ?? false);
  }

  async start(only?: ProcessorName[], options: StartOptions = {}): Promise<Record<string, string>> {
    return (await this.request({ op: 'start', only, ...options })) as Record<string, string>;
  }

  async stop(processor?: ProcessorName): Promise<void> {
    await this.request({ op: 'stop', processor });
    if (!processor) await this.close();
  }

  async pause(processor: ProcessorName): Promise<void> {
    await this.request({ op: 'pause', processor });
  }

  async resume(processor: ProcessorName): Promise<void> {
    await this.request({ op: 'resume', processor });
  }

  async configure(processor: ProcessorName, settings: Partial<ProcessorSettings>): Promise<void> {
    await this.request({ op: 'configure', processor, settings });
  }

  async setDestinations(destinations: ResolvedDestinations): Promise<void> {
    this.config.destinations = destinations;
    if (this.worker) await this.request({ op: 'destinations', destinations });
  }

  /** Stops every processor (entries in hand are finished) and ends the thread. Idempotent. */
  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker || this.isClosing) return;
    this.isClosing = true;
    try {
      await this.request({ op: 'close' });
    } finally {
      this.worker = null;
      await worker.terminate();
      this.isClosing = false;
      if (this.last) this.publish({ ...this.last, isRunning: false, processors: this.last.processors.map((p) => ({ ...p, state: 'stopped', inFlight: 0, ratePerSec: 0 })) });
    }
  }

  private spawn(): Worker {
    const entry = threadEntry();
    const worker = entry.isSource
      ? new Worker(`const { createRequire } = require('node:module'); const r = createRequire(${JSON.stringify(path.join(projectRoot(entry.file), 'package.json'))}); r('tsx/cjs/api').register(); r(${JSON.stringify(entry.file)});`, { eval: true, workerData: this.config })
      : new Worker(entry.file, { workerData: this.config });
    worker.on('message', (message: ThreadReply | ThreadEvent) => this.onMessage(message));
    worker.on('error', (error) => this.onExit(`the workers thread failed: ${error.message}`));
    worker.on('exit', (code) => {
      if (this.worker === worker && !this.isClosing) this.onExit(`the workers thread exited (code ${code})`);
    });
    return worker;
  }

  private request(body: RequestBody): Promise<unknown> {
    if (!this.worker) {
      if (body.op === 'close' || body.op === 'stop') return Promise.resolve(undefined);
      this.worker = this.spawn();
    }
    const call = this.pending.open(body.op);
    this.worker!.postMessage({ ...body, id: call.id } as ThreadRequest);
    return call.result.then((result) => {
      if (result.ok) return result.value;
      if (result.error.code === 'TIMEOUT') this.logger.error(result.error.message);
      throw callErrorToError(result.error);
    });
  }

  private onMessage(message: ThreadReply | ThreadEvent): void {
    if (message.type === 'log') {
      this.logger[message.level](message.message, message.fields);
      return;
    }
    if (message.type === 'reply') {
      // Answer the caller first: a listener that throws must not leave a call waiting.
      this.pending.settle(message.id, message.result);
    }
    try {
      this.publish(message.view);
    } catch (error) {
      this.logger.error(`workers view: ${(error as Error).message}`);
    }
  }

  private onExit(reason: string): void {
    this.logger.error(reason);
    this.worker = null;
    this.pending.failAll({ code: 'INTERNAL', message: reason });
    if (this.last) {
      const at = Date.now();
      this.publish({ ...this.last, isRunning: false, processors: this.last.processors.map((p) => (p.state === 'stopped' ? p : { ...p, state: 'failing', inFlight: 0, ratePerSec: 0, lastError: { message: reason, at } })) });
    }
  }

  private publish(view: WorkersView): void {
    this.last = view;
    for (const listener of this.listeners) listener(view);
  }
}
