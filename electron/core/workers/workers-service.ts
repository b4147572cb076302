import type { ProcessorName, ProcessorSettings, WorkersView } from '../../../shared/model/workers';
import type { EnvironmentService } from '../environments/environment-service';
import type { Clock, Logger } from '../ports';
import type { DestinationsStore } from './destinations-store';
import { WorkerRuntime, type StartOptions, type WorkerRuntimeConfig } from './worker-runtime';
import { keyringToData } from '../payload-crypto';
import { WorkerThreadHost } from './worker-thread-host';
import type { ResolvedDestinations } from './destinations-store';

/** The operations a console performs on one environment's workers, wherever they run. */
export interface WorkerHost {
  start(only?: ProcessorName[], options?: StartOptions): Promise<Record<string, string>>;
  stop(processor?: ProcessorName): Promise<void>;
  pause(processor: ProcessorName): Promise<void>;
  resume(processor: ProcessorName): Promise<void>;
  configure(processor: ProcessorName, settings: Partial<ProcessorSettings>): Promise<void>;
  setDestinations(destinations: ResolvedDestinations): Promise<void>;
  close(): Promise<void>;
  onView(listener: (view: WorkersView) => void): () => void;
  readonly lastView: WorkersView | null;
}

/** Workers run in this thread (tests, benchmarks): the same runtime, views published on a timer. */
export class InProcessHost implements WorkerHost {
  private readonly runtime: WorkerRuntime;
  private readonly listeners = new Set<(view: WorkersView) => void>();
  private timer: NodeJS.Timeout | undefined;
  lastView: WorkersView | null = null;

  constructor(config: WorkerRuntimeConfig, deps: { clock: Clock; logger: Logger }) {
    this.runtime = new WorkerRuntime(config, deps);
  }

  onView(listener: (view: WorkersView) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(only?: ProcessorName[], options?: StartOptions): Promise<Record<string, string>> {
    const refused = await this.runtime.start(only, options);
    this.timer ??= setInterval(() => this.publish(), 250);
    this.publish();
    return refused;
  }

  async stop(processor?: ProcessorName): Promise<void> {
    await this.runtime.stop(processor);
    this.publish();
  }

  async pause(processor: ProcessorName): Promise<void> {
    await this.runtime.pause(processor);
    this.publish();
  }

  async resume(processor: ProcessorName): Promise<void> {
    await this.runtime.resume(processor);
    this.publish();
  }

  async configure(processor: ProcessorName, settings: Partial<ProcessorSettings>): Promise<void> {
    await this.runtime.configure(processor, settings);
    this.publish();
  }

  async setDestinations(destinations: ResolvedDestinations): Promise<void> {
    this.runtime.setDestinations(destinations);
    this.publish();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.runtime.stop();
    this.publish();
  }

  private publish(): void {
    this.lastView = this.runtime.view('in-process');
    for (const listener of this.listeners) listener(this.lastView);
  }
}

export interface WorkersServiceOptions {
  /** Run workers in this thread instead of a worker thread (tests). */
  isolation?: WorkersView['isolation'];
  /** Shorter timings (tests). */
  timings?: WorkerRuntimeConfig['timings'];
  /** Routing rules document for every environment (`--rules FILE`). */
  rulesYaml?: string;
  /** Sender retry delays and timeouts (tests). */
  notifyOptions?: WorkerRuntimeConfig['notifyOptions'];
}

/**
 * The workers of every environment this console runs them for: one host (a worker thread) per
 * environment, created on the first start, its views pushed to every window.
 */
export class WorkersService {
  private readonly hosts = new Map<string, WorkerHost>();
  /** Settings changed while the workers were not running, applied at the next start. */
  private readonly pendingSettings = new Map<string, Partial<Record<ProcessorName, ProcessorSettings>>>();

  constructor(
    private readonly deps: {
      environments: EnvironmentService;
      destinations: DestinationsStore;
      clock: Clock;
      logger: Logger;
      publish: (view: WorkersView) => void;
      /** Scrubs known secrets (a Slack URL in an error) from what leaves the core. */
      redact: (text: string) => string;
    },
    private readonly options: WorkersServiceOptions = {},
  ) {}

  /** Every processor of the environment: the running host's last view, or what would run. */
  async view(envId: string): Promise<WorkersView> {
    const host = this.hosts.get(envId);
    if (host?.lastView) return this.redacted(host.lastView);
    return new WorkerRuntime(await this.config(envId), this.deps).view(this.options.isolation ?? 'thread');
  }

  /** Errors come from brokers and HTTP/SMTP servers: scrub them before they reach a window or a log. */
  private redacted(view: WorkersView): WorkersView {
    return { ...view, processors: view.processors.map((p) => (p.lastError ? { ...p, lastError: { ...p.lastError, message: this.deps.redact(p.lastError.message) } } : p)) };
  }

  async start(envId: string, only?: ProcessorName[], options: StartOptions = {}): Promise<WorkersView> {
    this.deps.environments.assertAllowed(envId, 'start workers');
    let host = this.hosts.get(envId);
    if (!host) {
      const config = await this.config(envId);
      host = this.options.isolation === 'in-process' ? new InProcessHost(config, this.deps) : new WorkerThreadHost(config, this.deps.logger);
      host.onView((view) => this.deps.publish(this.redacted(view)));
      this.hosts.set(envId, host);
    }
    await host.start(only, options);
    return host.lastView ?? this.view(envId);
  }

  async stop(envId: string, processor?: ProcessorName): Promise<WorkersView> {
    const host = this.hosts.get(envId);
    if (host) {
      await host.stop(processor);
      if (!processor) {
        await host.close();
        this.hosts.delete(envId);
        const view = await this.view(envId);
        this.deps.publish(view);
        return view;
      }
    }
    return this.view(envId);
  }

  async pause(envId: string, processor: ProcessorName): Promise<WorkersView> {
    this.deps.environments.assertAllowed(envId, `pause ${processor}`);
    await this.hosts.get(envId)?.pause(processor);
    return this.view(envId);
  }

  async resume(envId: string, processor: ProcessorName): Promise<WorkersView> {
    this.deps.environments.assertAllowed(envId, `resume ${processor}`);
    await this.hosts.get(envId)?.resume(processor);
    return this.view(envId);
  }

  async configure(envId: string, processor: ProcessorName, settings: Partial<ProcessorSettings>): Promise<WorkersView> {
    this.deps.environments.assertAllowed(envId, `configure ${processor}`);
    const host = this.hosts.get(envId);
    if (host) await host.configure(processor, settings);
    else {
      const pending = this.pendingSettings.get(envId) ?? {};
      const current = (await this.view(envId)).processors.find((p) => p.name === processor)!.settings;
      pending[processor] = { ...current, ...settings };
      this.pendingSettings.set(envId, pending);
    }
    return this.view(envId);
  }

  /** Hands changed notification destinations to a running host, so the next sender start uses them. */
  async destinationsChanged(envId: string): Promise<void> {
    const host = this.hosts.get(envId);
    if (host) await host.setDestinations(await this.deps.destinations.resolve(envId));
  }

  /** Stops an environment's workers (it was removed or edited). */
  async forget(envId: string): Promise<void> {
    const host = this.hosts.get(envId);
    this.hosts.delete(envId);
    await host?.close();
  }

  async close(): Promise<void> {
    await Promise.all([...this.hosts.keys()].map((id) => this.forget(id)));
  }

  get runningEnvironments(): string[] {
    return [...this.hosts.keys()];
  }

  private async config(envId: string): Promise<WorkerRuntimeConfig> {
    const resolved = await this.deps.environments.resolve(envId);
    return {
      env: { id: envId, namespace: resolved.profile.namespace, redis: resolved.redis, amqp: resolved.amqp, management: resolved.management, payloadKeys: resolved.payloadKeys ? keyringToData(resolved.payloadKeys) : null, postgres: resolved.postgres ?? null },
      destinations: await this.deps.destinations.resolve(envId),
      rulesYaml: this.options.rulesYaml,
      settings: this.pendingSettings.get(envId),
      timings: this.options.timings,
      notifyOptions: this.options.notifyOptions,
    };
  }
}
