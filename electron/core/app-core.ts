import { EventEmitter } from 'node:events';
import type { PayloadOf, TopicName } from '../../shared/contract/events';
import type { MethodName, ParamsOf } from '../../shared/contract/methods';
import type { Result } from '../../shared/contract/result';
import type { EnvironmentOverview } from '../../shared/model/overview';
import { EnvironmentRuntime } from './environments/environment-runtime';
import { probeCredentialCaps } from './environments/credential-probe';
import { EnvironmentService } from './environments/environment-service';
import { ProfileStore } from './environments/profile-store';
import type { MonitorOptions } from './monitor/environment-monitor';
import { KeyedBatcher } from './monitor/push-batcher';
import { firstBullOverview, firstOverview, whenConnected } from './monitor/first-sample';
import { systemClock, type Clock, type Logger, type SecretStore } from './ports';
import { Redactor, createJsonLogger } from './redaction';
import { Dispatcher, type Handlers } from './rpc/dispatcher';
import { PayloadMasker } from './masking';
import { revealHandlers } from './handlers/reveal';
import { AuditTrail } from './audit/audit-trail';
import type { CoreContext } from './handlers/context';
import { streamHandlers } from './handlers/streams';
import { ruleHandlers } from './handlers/rules';
import { HealthService } from './health/health-service';
import { queueHandlers } from './handlers/queues';
import { bullmqHandlers } from './handlers/bullmq';
import { pubsubHandlers } from './handlers/pubsub';
import { dlqHandlers } from './handlers/dlq';
import { environmentHandlers } from './handlers/environments';
import { demoHandlers } from './handlers/demo';
import { eventHandlers } from './handlers/events';
import { DeadLetterService } from './dead-letters/dead-letter-service';
import type { BullMonitorOptions } from './monitor/bull-monitor';
import type { BullOverview } from '../../shared/model/bullmq';
import { isCluster, requireStandalone, type RedisClient } from './brokers/redis/redis-client';
import { CodedError } from '../../shared/contract/errors';
import { alertHandlers } from './handlers/alerts';
import { silenceHandlers } from './handlers/silences';
import { replayJobHandlers } from './handlers/replay-jobs';
import { ReplayJobService, type ReplayJobServiceOptions } from './dead-letters/replay-job-service';
import { searchHandlers } from './handlers/searches';
import { LocalAuditLog } from './audit/local-audit-log';
import { ConsoleSettingsStore } from './settings/console-settings';
import type { AlertServiceOptions } from './alerts/alert-service';
import { summarize } from '../../shared/model/alerts';
import { ConfirmationTokens } from './confirmations';
import { WorkersService, type WorkersServiceOptions } from './workers/workers-service';
import { DestinationsStore } from './workers/destinations-store';
import { workerHandlers } from './handlers/workers';
import { configuredChannels, type WorkersView } from '../../shared/model/workers';

export interface AppCoreOptions {
  /** The config home (profiles, secrets, logs). */
  home: string;
  secretStore: SecretStore;
  /** Why this secret store (the desktop refuses basic_text unless accepted); reported by app.info and logged. */
  secretStoreReason?: string;
  mode: 'desktop' | 'browser';
  version: string;
  clock?: Clock;
  /** Receives redacted JSON log lines; stderr by default. */
  writeLog?: (line: string) => void;
  monitorOptions?: MonitorOptions;
  bullOptions?: BullMonitorOptions;
  /** Alert polling and escalation engine timings (tests shorten them). */
  alertOptions?: AlertServiceOptions;
  /** Where workers run and their timings (tests run them in-process). */
  workerOptions?: WorkersServiceOptions;
  /** Check every result against the contract too (tests). */
  shouldValidateResults?: boolean;
  /** Replay jobs: whether this console takes jobs up (by default when it starts its runtimes), how often it looks. */
  replayJobOptions?: ReplayJobServiceOptions;
  /** Start connections and monitors for every environment (false for one-shot CLI commands). */
  shouldStartRuntimes?: boolean;
}

type Listener<T extends TopicName> = (payload: PayloadOf<T>) => void;

/**
 * The product, independent of Electron: environments, broker connections, monitors and demo
 * traffic, reached through `dispatch` (calls) and `on` (pushed events). Every host (Electron
 * IPC, the browser-mode WebSocket, the CLI) is a thin adapter over this.
 */
export class AppCore {
  readonly redactor = new Redactor();
  readonly logger: Logger;
  readonly environments: EnvironmentService;
  /** Queue-health rules and their engines. */
  readonly health: HealthService;
  /** This console's hash-chained record of its own actions. */
  readonly audit: LocalAuditLog;
  /** The analyst name actions are recorded with. */
  readonly settings: ConsoleSettingsStore;
  /** One-time tokens of destructive actions. */
  readonly confirmations: ConfirmationTokens;
  /** The pipeline's consumer workers this console runs. */
  readonly workers: WorkersService;
  readonly destinations: DestinationsStore;
  /** Replay jobs: run here, and taken up from consoles that stopped (issue 20). */
  readonly replayJobs: ReplayJobService;
  private readonly runtimes = new Map<string, EnvironmentRuntime>();
  private readonly emitter = new EventEmitter();
  private readonly dispatcher: Dispatcher;
  /** Masks payload fields in every answer and push (issue 20). */
  readonly masker: PayloadMasker;
  private readonly overviewBatcher: KeyedBatcher<EnvironmentOverview>;
  private readonly bullBatcher: KeyedBatcher<BullOverview>;
  private readonly workersBatcher: KeyedBatcher<WorkersView>;
  private readonly clock: Clock;
  private demoTimer: NodeJS.Timeout | undefined;
  private reconciling: Promise<void> = Promise.resolve();
  private isClosed = false;
  /** When set, only these environments get a runtime. */
  private only: Set<string> | undefined;

  private constructor(private readonly options: AppCoreOptions) {
    this.clock = options.clock ?? systemClock;
    this.emitter.setMaxListeners(100);
    this.logger = createJsonLogger(this.redactor, options.writeLog ?? ((line) => process.stderr.write(line)));
    this.environments = new EnvironmentService(new ProfileStore(options.home), options.secretStore, this.redactor);
    if (options.secretStoreReason) this.logger.info('secret store', { kind: options.secretStore.kind, reason: options.secretStoreReason });
    this.audit = new LocalAuditLog(options.home);
    this.settings = new ConsoleSettingsStore(options.home);
    this.confirmations = new ConfirmationTokens(() => this.clock.now());
    this.health = new HealthService({
      home: options.home,
      clock: this.clock,
      logger: this.logger,
      environments: this.environments,
      redisOf: (envId) => (this.runtimes.get(envId)?.redis?.isReady ? this.runtimes.get(envId)!.redis!.client : null),
      publish: (payload) => this.emit('rules.firing', payload),
    });
    this.overviewBatcher = new KeyedBatcher((overviews, dropped) => this.emit('overview.tick', { overviews, dropped }));
    this.bullBatcher = new KeyedBatcher((overviews, dropped) => this.emit('bullmq.tick', { overviews, dropped }));
    this.workersBatcher = new KeyedBatcher((views, dropped) => this.emit('workers.changed', { views, dropped }));
    this.destinations = new DestinationsStore(options.home, options.secretStore, this.redactor);
    this.workers = new WorkersService(
      { environments: this.environments, destinations: this.destinations, clock: this.clock, logger: this.logger, publish: (view) => this.workersBatcher.push(view.envId, view), redact: (text) => this.redactor.redact(text) },
      options.workerOptions,
    );
    const trail = new AuditTrail({
      environments: this.environments,
      confirmations: this.confirmations,
      local: this.audit,
      clock: this.clock,
      logger: this.logger,
      who: () => this.settings.who(),
      redisOf: (envId) => {
        const redis = this.runtimes.get(envId)?.redis;
        return redis?.isReady ? redis.client : null;
      },
    });
    this.replayJobs = new ReplayJobService(
      {
        clock: this.clock,
        logger: this.logger,
        who: () => this.settings.who(),
        environment: (envId) => ({ ...this.jobEnvironment(envId), client: this.redisOf(envId, 'Replay jobs') }),
        environments: () => [...this.runtimes.keys()].map((envId) => this.jobEnvironment(envId)),
      },
      { shouldSupervise: options.shouldStartRuntimes ?? true, ...options.replayJobOptions },
    );
    this.masker = new PayloadMasker({ configOf: (envId) => this.environments.get(envId).masking, roleOf: (envId) => this.environments.effectiveRole(envId).role });
    this.dispatcher = new Dispatcher(this.handlers(), this.redactor, this.logger, options.shouldValidateResults ?? false, trail, (method, params, value) => this.masker.outbound(method, params, value));
  }

  /** Loads the profiles (creating **Local** on first start) and, unless told not to, connects every environment. */
  static async create(options: AppCoreOptions): Promise<AppCore> {
    const core = new AppCore(options);
    await core.environments.init();
    await core.health.init();
    await core.settings.init();
    if (!(options.shouldStartRuntimes ?? true)) core.only = new Set();
    await core.reconcile();
    core.environments.onChange(() => {
      core.reconciling = core.reconciling.then(() => core.reconcile()).catch((error: unknown) => {
        core.logger.error('reconcile failed', { error: core.redactor.redact(String(error)) });
      });
      void core.publishEnvironments();
    });
    core.demoTimer = setInterval(() => {
      for (const runtime of core.runtimes.values()) if (runtime.demo.status.running) core.emit('demo.status', runtime.demo.status);
    }, 1000);
    core.demoTimer.unref?.();
    return core;
  }

  /** Runs only these environments from now on (one-shot CLI commands, tests). */
  async startRuntimes(ids: string[]): Promise<void> {
    this.only = new Set(ids);
    this.reconciling = this.reconciling.then(() => this.reconcile());
    await this.reconciling;
  }

  /** Validates and runs one contract call; never throws. */
  dispatch(method: unknown, params: unknown): Promise<Result<unknown>> {
    return this.dispatcher.dispatch(method, params);
  }

  /** Typed convenience for in-process callers (CLI, tests). */
  call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<Result<import('../../shared/contract/methods').ResultOf<M>>> {
    return this.dispatcher.dispatch(method, params) as Promise<Result<import('../../shared/contract/methods').ResultOf<M>>>;
  }

  on<T extends TopicName>(topic: T, listener: Listener<T>): () => void {
    this.emitter.on(topic, listener as (payload: unknown) => void);
    return () => this.emitter.off(topic, listener as (payload: unknown) => void);
  }

  /** The channels this console has a destination for (re-read at most every 5 s): the alert store records the others as not configured. */
  private configuredChannelsOf(envId: string): () => Promise<ReadonlySet<string>> {
    let cached: { at: number; channels: ReadonlySet<string> } | null = null;
    return async () => {
      const now = this.clock.now();
      if (!cached || now - cached.at > 5000) {
        const flags = configuredChannels(await this.destinations.view(envId));
        cached = { at: now, channels: new Set(Object.entries(flags).filter(([, isSet]) => isSet).map(([channel]) => channel)) };
      }
      return cached.channels;
    };
  }

  /** The live runtime of an environment (connections, monitor, demo). */
  runtime(envId: string): EnvironmentRuntime {
    const runtime = this.runtimes.get(envId);
    if (!runtime) throw new CodedError('NOT_FOUND', `environment "${envId}" is not running`);
    return runtime;
  }

  /** An environment's overview once its monitor has a full sample (`rates`: and a second one a second later). For one-shot callers: the CLI. */
  firstOverview(envId: string, options?: { ms?: number; rates?: boolean }): Promise<EnvironmentOverview> {
    return firstOverview(this.runtime(envId), options);
  }

  /** An environment's BullMQ overview once its first count is in; null without Redis. */
  firstBullOverview(envId: string): Promise<BullOverview | null> {
    return firstBullOverview(this.runtime(envId));
  }

  /** Resolves once an environment's brokers are connected or known down (at most 8 s). */
  whenConnected(envId: string): Promise<void> {
    return whenConnected(this.runtime(envId));
  }

  /** Waits for pending runtime changes (after an add/update/remove) to be applied. */
  async settled(): Promise<void> {
    await this.reconciling;
  }

  /** Stops demos and monitors and closes every connection. Idempotent. */
  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    clearInterval(this.demoTimer);
    await this.replayJobs.close();
    this.overviewBatcher.close();
    this.bullBatcher.close();
    await this.workers.close();
    this.workersBatcher.close();
    await this.health.close();
    await this.reconciling;
    await Promise.all([...this.runtimes.values()].map((r) => r.close()));
    this.runtimes.clear();
    await this.environments.close();
    this.emitter.removeAllListeners();
  }

  private emit<T extends TopicName>(topic: T, payload: PayloadOf<T>): void {
    if (!this.isClosed) this.emitter.emit(topic, payload);
  }

  private async publishEnvironments(): Promise<void> {
    this.emit('environments.changed', { environments: await this.environments.views() });
  }

  /** Brings the running runtimes in line with the profiles: new ones start, removed or edited ones restart or stop. */
  private async reconcile(): Promise<void> {
    if (this.isClosed) return;
    const wanted = new Map(this.environments.list().filter((p) => !this.only || this.only.has(p.id)).map((p) => [p.id, p]));
    for (const [id, runtime] of this.runtimes) {
      const profile = wanted.get(id);
      if (!profile || JSON.stringify(profile) !== JSON.stringify(runtime.env.profile) || runtime.isStale) {
        this.runtimes.delete(id);
        // Workers hold connections made from the old profile: stop them (they are started again by hand).
        await this.workers.forget(id);
        await runtime.close();
      }
    }
    for (const [id] of wanted) {
      if (this.runtimes.has(id)) continue;
      const runtime = new EnvironmentRuntime(await this.environments.resolve(id), {
        clock: this.clock,
        logger: this.logger,
        redactor: this.redactor,
        monitorOptions: this.options.monitorOptions,
        bullOptions: this.options.bullOptions,
        alertOptions: this.options.alertOptions,
        onPubSubMessages: (batches) => this.emit('pubsub.messages', { batches: this.masker.pubsub(batches) }),
        tunnel: this.environments.tunnels.tunnel(id),
      });
      runtime.monitor.onOverview((overview) => this.overviewBatcher.push(overview.envId, overview));
      runtime.monitor.onOverview((overview) => this.health.observe(overview));
      runtime.demo.onStatus((status) => this.emit('demo.status', status));
      runtime.bull?.onOverview((overview) => this.bullBatcher.push(overview.envId, overview));
      runtime.alerts?.onChange((changed) => this.emit('alerts.changed', { envId: id, alerts: changed.map((a) => summarize(id, a)) }));
      if (runtime.alerts) runtime.alerts.store.configuredChannels = this.configuredChannelsOf(id);
      this.runtimes.set(id, runtime);
      runtime.start();
      // What the credentials allow narrows the role (effectiveRole, used by assertAllowed).
      const isCurrent = () => !this.isClosed && this.runtimes.get(id) === runtime;
      void probeCredentialCaps(runtime, isCurrent)
        .then((caps) => isCurrent() && this.environments.setCredentialCaps(id, caps))
        .catch((error: unknown) => this.logger.warn(`reading what the credentials of ${id} allow failed: ${this.redactor.redact(String(error))}`));
    }
  }

  /** The connected Redis client of an environment, or a clear error. */
  private anyRedisOf(envId: string): RedisClient {
    const redis = this.runtime(envId).redis;
    if (!redis) throw new CodedError('NOT_FOUND', 'this environment has no Redis');
    if (!redis.isReady) throw new CodedError('BROKER_UNAVAILABLE', redis.status.failure?.message ?? 'Redis is not connected');
    return redis.client;
  }

  /** The connected Redis of an environment as one server: UNSUPPORTED on a cluster. */
  private redisOf(envId: string, feature = 'This action'): import('ioredis').Redis {
    return requireStandalone(this.anyRedisOf(envId), feature);
  }

  /** An environment as the replay jobs see it: its standalone Redis when connected (never a cluster). */
  private jobEnvironment(envId: string) {
    const runtime = this.runtime(envId);
    const redis = runtime.redis;
    const client = redis?.isReady && !isCluster(redis.client) ? redis.client : null;
    const amqp = runtime.amqp;
    const rabbit = amqp
      ? { connection: () => amqp.connection(), isReady: () => amqp.isReady, management: runtime.management, vhost: runtime.env.amqp?.vhost ?? '/', namespace: runtime.env.profile.namespace }
      : null;
    return { envId, namespace: runtime.env.profile.namespace, payloadKey: runtime.env.payloadKey, client, rabbit, bullQueue: (name: string) => runtime.bull?.queue(name) ?? null };
  }

  /** What the handler groups may use of the core. */
  private context(): CoreContext {
    return {
      environments: this.environments,
      clock: this.clock,
      logger: this.logger,
      redactor: this.redactor,
      runtime: (envId) => this.runtime(envId),
      redisOf: (envId, feature) => this.redisOf(envId, feature),
      anyRedisOf: (envId) => this.anyRedisOf(envId),
      emit: (topic, payload) => this.emit(topic, payload),
      confirmations: this.confirmations,
      who: () => this.settings.who(),
    };
  }

  private handlers(): Handlers {
    const context = this.context();
    const deadLetters = new DeadLetterService({ clock: this.clock, logger: this.logger, runtime: (envId) => this.runtime(envId), redisOf: (envId, feature) => this.redisOf(envId, feature), who: () => this.settings.who() });
    return {
      'app.info': async () => ({
        version: this.options.version,
        mode: this.options.mode,
        home: this.options.home,
        secretStore: { kind: this.options.secretStore.kind, reason: this.options.secretStoreReason ?? null },
      }),
      ...environmentHandlers(context, this.destinations, (id) => this.runtimes.get(id)?.markStale()),
      'overview.get': async () => [...this.runtimes.values()].map((r) => r.monitor.snapshot()),
      ...streamHandlers(context),
      ...ruleHandlers(context, this.health),
      ...queueHandlers(context),
      ...bullmqHandlers(context),
      ...pubsubHandlers(context),
      ...dlqHandlers(deadLetters),
      ...revealHandlers(context, deadLetters, this.masker),
      ...alertHandlers(context, this.audit, this.settings),
      ...silenceHandlers(context),
      ...replayJobHandlers(this.replayJobs),
      ...searchHandlers(context),
      ...workerHandlers(context, this.workers, this.destinations),
      ...demoHandlers(context),
      ...eventHandlers(context),
    };
  }
}
