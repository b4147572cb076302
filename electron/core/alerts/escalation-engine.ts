import type { Redis } from 'ioredis';
import { CodedError } from '../../../shared/contract/errors';
import { dueLevels, levelCancelled, levelDueTimes, type AlertLevel, type AlertState } from '../../../shared/model/alerts';
import { activeWindow, alertTarget, silenceFor, type Silence } from '../../../shared/model/silences';
import type { AlertStore } from './alert-store';
import { SilenceEffect } from './silence-effect';

export interface EscalationEngineOptions {
  /** How long a claim on one due item lasts, ms. */
  leaseMs?: number;
  /** How often the due set is polled, ms. */
  tickMs?: number;
  /** Items claimed per tick. */
  batch?: number;
  now?: () => number;
  onError?: (err: unknown) => void;
}

export interface TickResult {
  escalated: number;
  dropped: number;
  fenced: number;
  skipped: number;
  /** Alerts a silence newly covered (their due items moved to its end). */
  silenced: number;
  /** Alerts whose silence was over: escalation resumed from now. */
  resumed: number;
}

/**
 * Fires due escalations from the Redis due-time ZSET (`alertId:level` by due time), so timers
 * survive restarts. Several engines on one environment fire each (alert, level) once: an item is
 * claimed with a lease (SET NX PX, value = a fencing token from INCR), and the escalation CAS in
 * Redis checks both the alert version and that the lease still holds this token. An engine that
 * paused past its lease finds its token rejected.
 *
 * Silences (issue 20): a due item of an alert an active silence covers does not fire; the alert is
 * marked silenced (once, fenced like an escalation) and its items wait for the window's end, where
 * its `alertId:R` item resumes it — escalation counting from then — also fenced, so once.
 */
export class EscalationEngine {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private readonly leaseMs: number;
  private readonly tickMs: number;
  /** Items claimed per tick (the Workers view's batch setting changes it). */
  batch: number;
  private readonly now: () => number;
  /** Test hook: called after the decision to escalate and before the CAS (e.g. to simulate a pause). */
  beforeTransition: ((member: string) => Promise<void>) | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly store: AlertStore,
    options: EscalationEngineOptions = {},
  ) {
    this.leaseMs = options.leaseMs ?? 10_000;
    this.tickMs = options.tickMs ?? 250;
    this.batch = options.batch ?? 100;
    this.now = options.now ?? Date.now;
    this.onError = options.onError ?? (() => undefined);
    this.effect = new SilenceEffect(redis, store);
  }

  private readonly onError: (err: unknown) => void;
  private readonly effect: SilenceEffect;

  start(): void {
    if (this.timer) return;
    const loop = async () => {
      if (!this.running) {
        this.running = true;
        try {
          await this.tick();
        } catch (err) {
          this.onError(err);
        } finally {
          this.running = false;
        }
      }
      if (this.timer) this.timer = setTimeout(() => void loop(), this.tickMs);
    };
    this.timer = setTimeout(() => void loop(), 0);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** One pass over the due items. */
  async tick(): Promise<TickResult> {
    const result: TickResult = { escalated: 0, dropped: 0, fenced: 0, skipped: 0, silenced: 0, resumed: 0 };
    const now = this.now();
    const members = await this.redis.zrangebyscore(this.store.keys.due, '-inf', now, 'LIMIT', 0, this.batch);
    // Read once a tick, and only when something is due.
    let silences: Promise<Silence[]> | null = null;
    const loadSilences = () => (silences ??= this.store.silences.list());
    for (const member of members) {
      const sep = member.lastIndexOf(':');
      const id = member.slice(0, sep);
      const isResume = member.slice(sep + 1) === 'R';
      const level = Number(member.slice(sep + 1)) as AlertLevel;
      const leaseKey = this.store.keys.lease(member);
      const token = String(await this.redis.incr(this.store.keys.fence));
      const claimed = await this.redis.set(leaseKey, token, 'PX', this.leaseMs, 'NX');
      if (!claimed) {
        result.skipped++;
        continue;
      }
      try {
        const alert = await this.store.get(id);
        if (alert && (isResume || alert.silencedBy !== undefined)) {
          await this.silenced(alert, member, isResume, leaseKey, token, await loadSilences(), result);
          continue;
        }
        const due = alert ? dueLevels(alert, this.store.policy, this.now()) : [];
        if (alert && !due.includes(level)) {
          // Not due under the current policy (it was lengthened): move it, do not lose it.
          const dueAt = levelDueTimes(alert, this.store.policy)[level];
          if (alert.status !== 'resolved' && level > alert.level && !levelCancelled(alert, level, dueAt) && dueAt > this.now()) {
            await this.redis.zadd(this.store.keys.due, 'XX', dueAt, member);
            result.skipped++;
            continue;
          }
        }
        if (!alert || isResume || !due.includes(level)) {
          await this.store.dropDue(member, leaseKey, token);
          result.dropped++;
          continue;
        }
        if (due[0] !== level) {
          // A lower level is due and not yet fired (another engine holds it): levels go out in
          // order, so this one waits for the next tick.
          result.skipped++;
          continue;
        }
        const cover = silenceFor(await loadSilences(), alertTarget(alert), this.now());
        if (cover) {
          await this.effect.markFenced(alert, cover.silence, cover.window, member, leaseKey, token, this.now());
          result.silenced++;
          continue;
        }
        // The dangerous window: decided to escalate, not yet written. A pause here past the
        // lease must not produce a second notification — the CAS checks the fencing token.
        if (this.beforeTransition) await this.beforeTransition(member);
        await this.store.escalateFenced(alert, level, leaseKey, token, this.now());
        result.escalated++;
      } catch (err) {
        if (err instanceof CodedError && err.code === 'CONFLICT') {
          // fenced out, or the alert changed meanwhile: the next tick re-reads it
          result.fenced++;
        } else {
          throw err;
        }
      } finally {
        // release only our own lease
        await this.redis.eval("if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0", 1, leaseKey, token);
      }
    }
    return result;
  }

  /** A due item of a silenced alert, or its resume item: wait for the window's end, or resume it now. */
  private async silenced(alert: AlertState, member: string, isResume: boolean, leaseKey: string, token: string, silences: Silence[], result: TickResult): Promise<void> {
    const now = this.now();
    const silence = silences.find((s) => s.id === alert.silencedBy);
    const window = silence ? activeWindow(silence, now) : null;
    if (alert.silencedBy === undefined || alert.status === 'resolved') {
      // Resumed already (a stale resume item), or nothing left to escalate: the item goes.
      if (isResume || alert.status === 'resolved') {
        await this.store.dropDue(member, leaseKey, token);
        result.dropped++;
      }
      return;
    }
    if (window) {
      await this.redis.zadd(this.store.keys.due, 'XX', window.end, member);
      result.skipped++;
      return;
    }
    await this.effect.resumeFenced(alert, leaseKey, token, now);
    result.resumed++;
  }
}
