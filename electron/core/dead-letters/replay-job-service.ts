import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { CodedError } from '../../../shared/contract/errors';
import { isDeadLetterName } from '../../../shared/model/topology';
import { REPLAY_JOB_LIMITS, type ReplayJob, type ReplayJobPreview } from '../../../shared/model/replay-jobs';
import type { Clock, Logger } from '../ports';
import { previewReplayJob } from './replay-job-preview';
import { runReplayJob, type RunEnd } from './replay-job-runner';
import { ReplayJobStore, type NewReplayJob, type ReplayJobAction } from './replay-job-store';

/** An environment as the job service sees it: its Redis (null while down) and namespace. */
export interface JobEnvironment {
  envId: string;
  namespace: string;
  payloadKey: Buffer | null;
  client: Redis | null;
}

export interface ReplayJobServiceDeps {
  clock: Clock;
  logger: Logger;
  who(): string;
  /** The environment's standalone Redis, or NOT_FOUND / BROKER_UNAVAILABLE / UNSUPPORTED. */
  environment(envId: string): JobEnvironment & { client: Redis };
  /** The environments this console takes jobs up in. */
  environments(): JobEnvironment[];
}

export interface ReplayJobServiceOptions {
  /** Take up queued and orphaned jobs (false for one-shot CLI commands). */
  shouldSupervise?: boolean;
  pollMs?: number;
  leaseMs?: number;
}

/**
 * Replay jobs of every environment of this console: the API the handlers and the CLI call, and the
 * supervisor that takes up queued jobs and those whose console stopped renewing its lease (closed,
 * crashed, killed) — so a job outlives the console that started it and is finished by the next.
 */
export class ReplayJobService {
  private readonly running = new Map<string, Promise<RunEnd>>();
  private readonly leaseMs: number;
  private timer: NodeJS.Timeout | undefined;
  private isClosed = false;
  private polling: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: ReplayJobServiceDeps,
    private readonly options: ReplayJobServiceOptions = {},
  ) {
    this.leaseMs = options.leaseMs ?? REPLAY_JOB_LIMITS.leaseMs;
    if (options.shouldSupervise ?? true) {
      this.timer = setInterval(() => this.kick(), options.pollMs ?? 2000);
      this.timer.unref?.();
    }
  }

  private store(envId: string, source?: string): ReplayJobStore {
    if (source !== undefined && !isDeadLetterName(source)) throw new CodedError('VALIDATION', `"${source}" is not a dead-letter stream (its name must end in .dlq, -dlq or _dlq)`);
    const env = this.deps.environment(envId);
    return new ReplayJobStore(env.client, env.namespace, env.payloadKey);
  }

  private tokenFor(): string {
    return `${this.deps.who()} (${hostname()} pid ${process.pid})#${randomUUID().slice(0, 8)}`;
  }

  list(envId: string): Promise<ReplayJob[]> {
    return this.store(envId).list();
  }

  get(envId: string, id: string): Promise<ReplayJob> {
    return this.store(envId).get(id);
  }

  /** Creates a job (queued); a supervising console takes it up at once. */
  async start(envId: string, input: NewReplayJob): Promise<ReplayJob> {
    const job = await this.store(envId, input.source).create(input, this.deps.who(), this.deps.clock.now());
    this.deps.logger.info(`replay job ${job.id} on ${input.source}: ${JSON.stringify({ selection: input.selection.kind, total: job.total, rate: input.rate, batch: input.batch })}`);
    if (this.timer) this.kick();
    return job;
  }

  dryRun(envId: string, input: Omit<NewReplayJob, 'rate' | 'batch'>): Promise<ReplayJobPreview> {
    const env = this.deps.environment(envId);
    return previewReplayJob(this.store(envId, input.source), input, { namespace: env.namespace, payloadKey: env.payloadKey }, { who: this.deps.who(), now: this.deps.clock.now() });
  }

  async control(envId: string, id: string, action: ReplayJobAction): Promise<ReplayJob> {
    const job = await this.store(envId).control(id, action, this.deps.who(), this.deps.clock.now());
    if (action === 'resume' && this.timer) this.kick();
    return job;
  }

  /** Runs a job in this process until it ends (the CLI's foreground `--job`): taken up now if free. */
  async runHere(envId: string, id: string, onBatch?: (replayed: number) => void, shouldStop?: () => boolean): Promise<RunEnd | 'busy'> {
    const store = this.store(envId);
    const token = this.tokenFor();
    if (!(await store.claim(id, token, this.leaseMs, this.deps.clock.now()))) return 'busy';
    return this.track(`${envId}/${id}`, runReplayJob(store, id, token, { clock: this.deps.clock, leaseMs: this.leaseMs, onBatch, shouldStop: () => this.isClosed || (shouldStop?.() ?? false) }));
  }

  private track(key: string, run: Promise<RunEnd>): Promise<RunEnd> {
    this.running.set(key, run);
    return run.finally(() => this.running.delete(key));
  }

  private kick(): void {
    this.polling = this.polling.then(() => this.poll()).catch((error: unknown) => this.deps.logger.warn(`replay jobs: ${String(error)}`));
  }

  /** Takes up every job of these environments that is queued or whose lease ran out. */
  async poll(): Promise<void> {
    for (const env of this.deps.environments()) {
      if (this.isClosed || !env.client) continue;
      const store = new ReplayJobStore(env.client, env.namespace, env.payloadKey);
      for (const id of await store.active()) {
        const key = `${env.envId}/${id}`;
        if (this.isClosed || this.running.has(key)) continue;
        const token = this.tokenFor();
        if (!(await store.claim(id, token, this.leaseMs, this.deps.clock.now()))) continue;
        this.deps.logger.info(`replay job ${id}: taken up by this console`);
        void this.track(key, runReplayJob(store, id, token, { clock: this.deps.clock, leaseMs: this.leaseMs, shouldStop: () => this.isClosed })).then((end) => this.deps.logger.info(`replay job ${id}: ${end}`));
      }
    }
  }

  /** Stops taking jobs up, and lets go of the running ones between two batches (the next console goes on). */
  async close(): Promise<void> {
    this.isClosed = true;
    clearInterval(this.timer);
    await this.polling;
    await Promise.all(this.running.values());
  }
}
