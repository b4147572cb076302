import { createHash } from 'node:crypto';
import type { FiringRule, HealthRule } from '../../../shared/model/health-rules';
import { SEVERITY_RANK } from '../../../shared/model/health-rules';
import type { EnvironmentOverview } from '../../../shared/model/overview';
import type { Clock, Logger } from '../ports';
import type { AlertWriter } from './alert-writer';
import { buildHealthAlert } from './health-alert';
import { Measurer, type MeasurementSet } from './measures';

export interface HealthEngineOptions {
  /** Alerts this console may write per environment per minute; more are dropped (alert storm). */
  maxAlertsPerMinute: number;
  /** Lifetime of the per-episode marker in Redis; renewed while firing. */
  episodeTtlMs: number;
}

export const DEFAULT_HEALTH_ENGINE_OPTIONS: HealthEngineOptions = { maxAlertsPerMinute: 10, episodeTtlMs: 60_000 };

export interface HealthEngineDeps {
  envId: string;
  /** Prefix of every key and stream of the environment. */
  namespace: string;
  clock: Clock;
  logger: Logger;
  writer: AlertWriter;
  envName(): string;
  isReadOnly(): boolean;
  rules(): readonly HealthRule[];
}

interface SubjectState {
  conditionSince: number;
  firing: FiringRule | null;
  lastRenewAt: number;
}

/**
 * Evaluates the queue-health rules of one environment on each overview. Per rule and subject it
 * remembers since when the condition holds; it fires once it held `forSeconds`, writes one alert
 * (unless read-only or over the storm cap), renews the cross-console marker while firing and
 * forgets the episode when the condition clears.
 */
export class HealthEngine {
  private readonly measurer = new Measurer();
  private readonly states = new Map<string, SubjectState>();
  private readonly writeTimes: number[] = [];
  private readonly listeners = new Set<(firing: FiringRule[]) => void>();
  private lastSignature = '';
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly deps: HealthEngineDeps,
    private readonly options: HealthEngineOptions = DEFAULT_HEALTH_ENGINE_OPTIONS,
  ) {}

  /** Called when the firing list changes (fires, resolves, alert state, value). */
  onChange(listener: (firing: FiringRule[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** What is firing now, worst severity first. */
  firing(): FiringRule[] {
    const list: FiringRule[] = [];
    for (const state of this.states.values()) if (state.firing) list.push({ ...state.firing, alert: { ...state.firing.alert } });
    return list.sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.ruleId.localeCompare(b.ruleId) || a.subject.localeCompare(b.subject));
  }

  /** Evaluates every enabled rule against one overview. Alert writes run in the background. */
  evaluate(overview: EnvironmentOverview): void {
    if (overview.envId !== this.deps.envId) return;
    const now = this.deps.clock.now();
    const measurements = this.measurer.measure(overview);
    const rules = this.deps.rules().filter((rule) => rule.enabled);
    const live = new Set(rules.map((rule) => rule.id));
    for (const key of this.states.keys()) if (!live.has(ruleIdOf(key))) this.states.delete(key);
    for (const rule of rules) this.evaluateRule(rule, measurements, now);
    this.publish();
  }

  /** Resolves when the alert writes started so far have finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private evaluateRule(rule: HealthRule, measurements: MeasurementSet, now: number): void {
    const values = measurements[rule.kind];
    if (values === null) return; // the source was not read this tick: keep the state as it is
    const seen = new Set<string>();
    for (const { subject, value } of values) {
      const key = stateKey(rule.id, subject);
      seen.add(key);
      let state = this.states.get(key);
      if (!(value > rule.threshold)) {
        this.states.delete(key);
        continue;
      }
      if (!state) this.states.set(key, (state = { conditionSince: now, firing: null, lastRenewAt: 0 }));
      if (state.firing) {
        state.firing.value = value;
        state.firing.threshold = rule.threshold;
        state.firing.severity = rule.severity;
        this.maybeRenew(rule, subject, state, now);
      } else if (now - state.conditionSince >= rule.forSeconds * 1000) {
        this.fire(rule, subject, value, state, now);
      }
    }
    for (const key of this.states.keys()) if (ruleIdOf(key) === rule.id && !seen.has(key)) this.states.delete(key);
  }

  private fire(rule: HealthRule, subject: string, value: number, state: SubjectState, now: number): void {
    const firing: FiringRule = {
      ruleId: rule.id,
      kind: rule.kind,
      severity: rule.severity,
      subject,
      value,
      threshold: rule.threshold,
      conditionSince: state.conditionSince,
      firingSince: now,
      alert: { state: 'pending', alertId: null, note: null },
    };
    state.firing = firing;
    state.lastRenewAt = now;
    if (this.deps.isReadOnly()) {
      firing.alert = { state: 'read-only', alertId: null, note: 'not written: read-only environment' };
      return;
    }
    this.write(rule, subject, firing, now);
  }

  private write(rule: HealthRule, subject: string, firing: FiringRule, now: number): void {
    while (this.writeTimes.length > 0 && this.writeTimes[0]! <= now - 60_000) this.writeTimes.shift();
    if (this.writeTimes.length >= this.options.maxAlertsPerMinute) {
      firing.alert = { state: 'storm-capped', alertId: null, note: `not written: more than ${this.options.maxAlertsPerMinute} alerts in a minute (alert storm)` };
      return;
    }
    this.writeTimes.push(now);
    const alert = buildHealthAlert({ envId: this.deps.envId, envName: this.deps.envName(), rule, subject, value: firing.value, conditionSince: firing.conditionSince, now });
    const task = this.deps.writer
      .writeOnce(this.episodeKey(rule.id, subject), this.options.episodeTtlMs, alert)
      .then((entryId) => {
        firing.alert =
          entryId === null
            ? { state: 'already-written', alertId: null, note: 'already written by another console for this episode' }
            : { state: 'written', alertId: alert.id, note: null };
      })
      .catch((error: unknown) => {
        firing.alert = { state: 'failed', alertId: null, note: `not written: ${(error as Error).message}` };
        this.deps.logger.warn('health alert write failed', { envId: this.deps.envId, rule: rule.id, error: (error as Error).message });
      })
      .finally(() => {
        this.inFlight.delete(task);
        this.publish();
      });
    this.inFlight.add(task);
  }

  private maybeRenew(rule: HealthRule, subject: string, state: SubjectState, now: number): void {
    const firing = state.firing!;
    if ((firing.alert.state === 'failed' || firing.alert.state === 'storm-capped') && !this.deps.isReadOnly()) {
      // Redis was unreachable, or the storm cap was full: try again (the cap still applies).
      this.write(rule, subject, firing, now);
      return;
    }
    if (firing.alert.state !== 'written' && firing.alert.state !== 'already-written') return;
    if (now - state.lastRenewAt < this.options.episodeTtlMs / 3) return;
    state.lastRenewAt = now;
    const task = this.deps.writer
      .renew(this.episodeKey(rule.id, subject), this.options.episodeTtlMs)
      .catch(() => undefined)
      .finally(() => this.inFlight.delete(task));
    this.inFlight.add(task);
  }

  /** `{namespace}watchfloor:health:episode:{ruleId}:{hash of subject}`: subjects may hold any character. */
  episodeKey(ruleId: string, subject: string): string {
    const digest = createHash('sha1').update(subject).digest('hex').slice(0, 16);
    return `${this.deps.namespace}watchfloor:health:episode:${ruleId}:${digest}`;
  }

  private publish(): void {
    const firing = this.firing();
    const signature = JSON.stringify(firing);
    if (signature === this.lastSignature) return;
    this.lastSignature = signature;
    for (const listener of this.listeners) listener(firing);
  }
}

function stateKey(ruleId: string, subject: string): string {
  return `${ruleId}\u0000${subject}`;
}

function ruleIdOf(key: string): string {
  return key.slice(0, key.indexOf('\u0000'));
}
