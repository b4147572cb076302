import type { Redis } from 'ioredis';
import { CodedError } from '../../../shared/contract/errors';
import { dueLevels, levelCancelled, levelDueTimes, type AlertLevel } from '../../../shared/model/alerts';
import type { AlertStore } from './alert-store';

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
}

/**
 * Fires due escalations from the Redis due-time ZSET (`alertId:level` by due time), so timers
 * survive restarts. Several engines on one environment fire each (alert, level) once: an item is
 * claimed with a lease (SET NX PX, value = a fencing token from INCR), and the escalation CAS in
 * Redis checks both the alert version and that the lease still holds this token. An engine that
 * paused past its lease finds its token rejected.
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
  }

  private readonly onError: (err: unknown) => void;

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
    const result: TickResult = { escalated: 0, dropped: 0, fenced: 0, skipped: 0 };
    const now = this.now();
    const members = await this.redis.zrangebyscore(this.store.keys.due, '-inf', now, 'LIMIT', 0, this.batch);
    for (const member of members) {
      const sep = member.lastIndexOf(':');
      const id = member.slice(0, sep);
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
        if (!alert || !due.includes(level)) {
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
}
