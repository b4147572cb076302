import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../brokers/redis/redis-client';
import type { FiringRule, HealthRule, RulesState } from '../../../shared/model/health-rules';
import type { EnvironmentOverview } from '../../../shared/model/overview';
import { topologyFor } from '../../../shared/model/topology';
import type { EnvironmentService } from '../environments/environment-service';
import { isReadOnly } from '../environments/profile';
import type { Clock, Logger } from '../ports';
import { RedisAlertWriter } from './alert-writer';
import { DEFAULT_HEALTH_ENGINE_OPTIONS, HealthEngine, type HealthEngineOptions } from './health-engine';
import { RulesStore } from './rules-store';
import { KeyedBatcher } from '../monitor/push-batcher';

export interface HealthServiceDeps {
  home: string;
  clock: Clock;
  logger: Logger;
  environments: EnvironmentService;
  /** The environment's Redis client when connected, else null. */
  redisOf(envId: string): RedisClient | null;
  /** Receives the batched `rules.firing` pushes (latest list per environment, ≤ 4 per second). */
  publish(payload: { updates: { envId: string; firing: FiringRule[] }[]; dropped: number }): void;
  options?: Partial<HealthEngineOptions>;
}

/** The `security.alerts` stream of an environment (namespaced like every seed stream). */
export function alertStreamOf(namespace: string): string {
  return topologyFor(namespace).streams['security.alerts']!.name;
}

/** Queue-health rules for every environment: their store and one engine per running environment. */
export class HealthService {
  readonly store: RulesStore;
  /** Tells this console's markers apart from other consoles' in Redis. */
  readonly consoleId = randomUUID();
  private readonly engines = new Map<string, { namespace: string; engine: HealthEngine }>();
  private readonly batcher: KeyedBatcher<{ envId: string; firing: FiringRule[] }>;

  constructor(private readonly deps: HealthServiceDeps) {
    this.store = new RulesStore(deps.home);
    this.batcher = new KeyedBatcher((updates, dropped) => deps.publish({ updates, dropped }));
  }

  /** Stops pushing; waits for alert writes under way. */
  async close(): Promise<void> {
    this.batcher.close();
    await this.idle();
  }

  async init(): Promise<void> {
    const problems = await this.store.load();
    for (const problem of problems) this.deps.logger.warn('health rules ignored, using the defaults', { problem });
  }

  /** Evaluates the rules of the overview's environment (hooked to every monitor overview). */
  observe(overview: EnvironmentOverview): void {
    this.engine(overview.envId)?.evaluate(overview);
  }

  state(envId: string): RulesState {
    const profile = this.deps.environments.get(envId);
    return {
      envId,
      rules: this.store.get(envId),
      isDefault: this.store.isDefault(envId),
      isReadOnly: isReadOnly(profile),
      firing: this.engine(envId)?.firing() ?? [],
      alertStream: alertStreamOf(profile.namespace),
    };
  }

  async update(envId: string, rules: HealthRule[]): Promise<RulesState> {
    this.deps.environments.get(envId);
    await this.store.set(envId, rules);
    return this.state(envId);
  }

  async reset(envId: string): Promise<RulesState> {
    this.deps.environments.get(envId);
    await this.store.reset(envId);
    return this.state(envId);
  }

  /** Waits for alert writes under way (tests, shutdown). */
  async idle(): Promise<void> {
    await Promise.all([...this.engines.values()].map(({ engine }) => engine.idle()));
  }

  /** The engine of a known environment; a new one when its namespace changed; undefined for unknown ids. */
  private engine(envId: string): HealthEngine | undefined {
    const profile = this.deps.environments.list().find((p) => p.id === envId);
    if (!profile) {
      this.engines.delete(envId);
      return undefined;
    }
    const held = this.engines.get(envId);
    if (held && held.namespace === profile.namespace) return held.engine;
    const namespace = profile.namespace;
    const engine = new HealthEngine(
      {
        envId,
        namespace,
        clock: this.deps.clock,
        logger: this.deps.logger,
        writer: new RedisAlertWriter(() => this.deps.redisOf(envId), alertStreamOf(namespace), this.consoleId),
        envName: () => this.deps.environments.list().find((p) => p.id === envId)?.name ?? envId,
        isReadOnly: () => {
          const current = this.deps.environments.list().find((p) => p.id === envId);
          return current ? isReadOnly(current) : true;
        },
        rules: () => this.store.get(envId),
      },
      { ...DEFAULT_HEALTH_ENGINE_OPTIONS, ...this.deps.options },
    );
    engine.onChange((firing) => this.batcher.push(envId, { envId, firing }));
    this.engines.set(envId, { namespace, engine });
    return engine;
  }
}
