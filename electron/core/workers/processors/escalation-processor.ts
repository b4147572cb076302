import type { Redis } from 'ioredis';
import { DEFAULT_ESCALATION_POLICY } from '../../../../shared/model/alerts';
import type { ProcessorSettings, ProcessorStatus } from '../../../../shared/model/workers';
import { AlertStore } from '../../alerts/alert-store';
import type { DlqAlertWatch } from '../../alerts/dlq-alert-watch';
import { EscalationEngine } from '../../alerts/escalation-engine';
import type { Clock, Logger } from '../../ports';
import type { Processor } from '../processor';
import { ProcessorStats } from '../processor-stats';

export interface EscalationProcessorOptions {
  redis: Redis;
  namespace: string;
  title: string;
  /** The due set's key, shown as the processor's source. */
  source: string;
  consumer: string;
  /** `batch`: due items claimed per tick; `concurrency` has no meaning here (one loop; the lease shares the work). */
  settings: ProcessorSettings;
  clock: Clock;
  logger: Logger;
  /** How often the due set is polled, ms (250 by default). */
  tickMs?: number;
  /** How long a claim on one due item lasts, ms. */
  leaseMs?: number;
  /** How often the environment's shared policy is re-read, ms. */
  policyEveryMs?: number;
  /** The channels with a destination in this process (the rest are recorded as not configured). */
  configuredChannels?: () => Promise<ReadonlySet<string> | null>;
  /** Seed 000's DLQ alerts, checked after each tick (it throttles itself); its failure shows like the engine's. */
  dlqWatch?: DlqAlertWatch;
}

/**
 * The escalation engine as a worker processor, so a server-only deployment (`watchfloor work`)
 * escalates like a console does. It is the same engine: the same due set, leases and fencing
 * tokens as the consoles' engines, so any mix of consoles and `work` hosts fires each
 * (alert, level) once. It follows the environment's shared policy (re-read every few seconds),
 * and raises seed 000's dead-letter alerts (dlq-alert-watch.ts).
 * Counters: processed = levels fired, duplicates = items another engine held or had fired.
 */
export class EscalationProcessor implements Processor {
  readonly name = 'escalation' as const;
  private readonly stats: ProcessorStats;
  private readonly store: AlertStore;
  private readonly engine: EscalationEngine;
  private settings: ProcessorSettings;
  private timer: NodeJS.Timeout | null = null;
  private loop: Promise<void> = Promise.resolve();
  private isRunning = false;
  private isPaused = false;
  private isFailing = false;

  constructor(private readonly options: EscalationProcessorOptions) {
    this.settings = { ...options.settings };
    this.stats = new ProcessorStats(options.clock);
    this.store = new AlertStore(options.redis, options.namespace, DEFAULT_ESCALATION_POLICY, options.policyEveryMs ?? 5000);
    this.store.configuredChannels = options.configuredChannels ?? null;
    this.engine = new EscalationEngine(options.redis, this.store, { leaseMs: options.leaseMs, batch: this.settings.batch, now: () => options.clock.now() });
  }

  async start(): Promise<void> {
    if (this.isRunning) return;
    this.isRunning = true;
    this.isPaused = false;
    this.schedule(0);
  }

  async pause(): Promise<void> {
    this.isPaused = true;
  }

  async resume(): Promise<void> {
    this.isPaused = false;
  }

  async stop(): Promise<void> {
    this.isRunning = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    // A tick waiting on a Redis that is down would hold the stop: its lease simply expires.
    await Promise.race([this.loop, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
  }

  async configure(settings: Partial<ProcessorSettings>): Promise<void> {
    this.settings = { ...this.settings, ...settings };
    this.engine.batch = this.settings.batch;
  }

  status(): ProcessorStatus {
    const isConnected = this.options.redis.status === 'ready';
    const state = !this.isRunning ? 'stopped' : this.isFailing || !isConnected ? 'failing' : this.isPaused ? 'paused' : 'running';
    return {
      name: this.name,
      title: this.options.title,
      source: this.options.source,
      group: '',
      consumer: this.options.consumer,
      settings: { ...this.settings },
      ...this.stats.snapshot(state),
    };
  }

  private schedule(ms: number): void {
    if (!this.isRunning) return;
    this.timer = setTimeout(() => {
      this.loop = this.tick().finally(() => this.schedule(this.options.tickMs ?? 250));
    }, ms);
  }

  private async tick(): Promise<void> {
    if (this.isPaused || !this.isRunning) return;
    try {
      const problem = await this.store.followPolicy(this.options.clock.now());
      if (problem) this.options.logger.warn(`escalation: ${problem}`);
      const result = await this.engine.tick();
      this.stats.count('processed', result.escalated);
      this.stats.count('duplicates', result.fenced);
      await this.options.dlqWatch?.check();
      this.isFailing = false;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.isFailing = true;
      this.stats.count('failures');
      this.stats.fail(message);
      this.options.logger.warn(`worker escalation: ${message}`);
    }
  }
}
