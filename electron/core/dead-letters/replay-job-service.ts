import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { CodedError } from '../../../shared/contract/errors';
import { isDeadLetterName } from '../../../shared/model/topology';
import { REPLAY_JOB_LIMITS, type ReplayJob, type ReplayJobPreview } from '../../../shared/model/replay-jobs';
import type { Clock, Logger } from '../ports';
import type { Queue } from 'bullmq';
import { originOfDeadLetterName } from '../../../shared/model/dead-letter-sources';
import { createBullJob, previewBullJob, runBullReplayJob, type BullJobQueues } from './bull-replay-job';
import { createRabbitJob, previewRabbitJob, runRabbitReplayJob, type RabbitJobEnvironment } from './rabbit-replay-job';
import { previewReplayJob } from './replay-job-preview';
import { runReplayJob, type RunEnd, type RunOptions } from './replay-job-runner';
import { ReplayJobStore, type NewReplayJob, type ReplayJobAction } from './replay-job-store';

/**
 * An environment as the job service sees it: its Redis (null while down), where every job's record
 * lives, and namespace; its RabbitMQ and BullMQ queues for the jobs on those brokers.
 */
export interface JobEnvironment {
  envId: string;
  namespace: string;
  payloadKey: Buffer | null;
  client: Redis | null;
  /** Null when the environment has no RabbitMQ; `isReady` false while it is down. */
  rabbit: (RabbitJobEnvironment & { isReady(): boolean }) | null;
  /** A BullMQ queue of the environment by name (null: none such, or no BullMQ here). */
  bullQueue(name: string): Queue | null;
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
    const broker = input.broker ?? 'redis';
    const who = this.deps.who();
    const now = this.deps.clock.now();
    let job: ReplayJob;
    if (broker === 'redis') job = await this.store(envId, input.source).create(input, who, now);
    else if (broker === 'rabbitmq') {
      const env = this.deps.environment(envId);
      if (!env.rabbit) throw new CodedError('NOT_FOUND', 'this environment has no RabbitMQ');
      job = await createRabbitJob(this.store(envId), env.rabbit, input, who, now);
    } else job = await createBullJob(this.store(envId), this.bullQueues(this.deps.environment(envId), input.source, input.bullKind ?? 'failed'), input.bullKind ?? 'failed', input, who, now);
    this.deps.logger.info(`replay job ${job.id} on ${input.source}: ${JSON.stringify({ selection: input.selection.kind, total: job.total, rate: input.rate, batch: input.batch })}`);
    if (this.timer) this.kick();
    return job;
  }

  dryRun(envId: string, input: Omit<NewReplayJob, 'rate' | 'batch'>): Promise<ReplayJobPreview> {
    const env = this.deps.environment(envId);
    if (input.broker === 'rabbitmq') {
      if (!env.rabbit) throw new CodedError('NOT_FOUND', 'this environment has no RabbitMQ');
      return previewRabbitJob(env.rabbit, input);
    }
    if (input.broker === 'bullmq') return previewBullJob(this.bullQueues(env, input.source, input.bullKind ?? 'failed'), input.bullKind ?? 'failed', input);
    return previewReplayJob(this.store(envId, input.source), input, { namespace: env.namespace, payloadKey: env.payloadKey }, { who: this.deps.who(), now: this.deps.clock.now() });
  }

  async control(envId: string, id: string, action: ReplayJobAction): Promise<ReplayJob> {
    const job = await this.store(envId).control(id, action, this.deps.who(), this.deps.clock.now());
    if (action === 'resume' && this.timer) this.kick();
    return job;
  }

  /** Runs a job in this process until it ends (the CLI's foreground `--job`): taken up now if free. */
  async runHere(envId: string, id: string, onBatch?: (replayed: number) => void, shouldStop?: () => boolean): Promise<RunEnd | 'busy'> {
    const env = this.deps.environment(envId);
    const store = this.store(envId);
    const job = await store.get(id);
    if (job.broker === 'rabbitmq' && !env.rabbit?.isReady()) throw new CodedError('BROKER_UNAVAILABLE', 'this job replays on RabbitMQ, which is not connected here');
    const token = this.tokenFor();
    if (!(await store.claim(id, token, this.leaseMs, this.deps.clock.now()))) return 'busy';
    return this.track(`${envId}/${id}`, this.runner(env, store, job, token, { clock: this.deps.clock, leaseMs: this.leaseMs, onBatch, shouldStop: () => this.isClosed || (shouldStop?.() ?? false) }));
  }

  private bullQueues(env: JobEnvironment, source: string, kind: 'failed' | 'dlq-queue'): BullJobQueues {
    const queue = env.bullQueue(source);
    if (!queue) throw new CodedError('NOT_FOUND', `no BullMQ queue "${source}" in this environment (deleted, or not discovered yet)`);
    const originName = kind === 'dlq-queue' ? originOfDeadLetterName(source) : null;
    return { queue, origin: originName ? env.bullQueue(originName) : null };
  }

  /** The broker's runner of a job this console holds. */
  private runner(env: JobEnvironment, store: ReplayJobStore, job: ReplayJob, token: string, options: RunOptions): Promise<RunEnd> {
    if (job.broker === 'rabbitmq') return runRabbitReplayJob(store, job.id, token, env.rabbit!, options);
    if (job.broker === 'bullmq') return runBullReplayJob(store, job.id, token, () => this.bullQueues(env, job.source, job.bullKind ?? 'failed'), options);
    return runReplayJob(store, job.id, token, options);
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
        const job = await store.get(id).catch(() => null);
        // A job on a broker this console cannot reach now is left to one that can (or to later).
        if (!job || (job.broker === 'rabbitmq' && !env.rabbit?.isReady()) || (job.broker === 'bullmq' && !env.bullQueue(job.source))) continue;
        const token = this.tokenFor();
        if (!(await store.claim(id, token, this.leaseMs, this.deps.clock.now()))) continue;
        this.deps.logger.info(`replay job ${id}: taken up by this console`);
        void this.track(key, this.runner(env, store, job, token, { clock: this.deps.clock, leaseMs: this.leaseMs, shouldStop: () => this.isClosed })).then((end) => this.deps.logger.info(`replay job ${id}: ${end}`));
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
