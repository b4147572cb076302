import type { ConfirmAction } from '../../../shared/contract/method-groups/confirm';
import { alertKeys } from '../../../shared/model/alerts';
import { STREAM_PAYLOAD_FIELD } from '../../../shared/model/topology';
import type { RedisClient } from '../brokers/redis/redis-client';
import type { ConfirmationTokens } from '../confirmations';
import type { EnvironmentService } from '../environments/environment-service';
import type { Clock, Logger } from '../ports';
import type { AuditRecord, CallGuard } from '../rpc/dispatcher';
import type { LocalAuditLog } from './local-audit-log';

export interface AuditTrailDeps {
  environments: EnvironmentService;
  confirmations: ConfirmationTokens;
  local: LocalAuditLog;
  clock: Clock;
  logger: Logger;
  /** "Analyst (os user)". */
  who(): string;
  /** The environment's connected Redis, or null (none, down, not running). */
  redisOf(envId: string): RedisClient | null;
}

/**
 * What the dispatcher enforces with: roles and write mode (the environment service), one-time
 * confirmation tokens, and the two records of every state-changing call: this console's
 * hash-chained log (always) and the environment's team audit stream `{ns}watchfloor:audit` (for
 * what changes shared broker state), the stream the alert store writes alert actions to.
 */
export class AuditTrail implements CallGuard {
  constructor(private readonly deps: AuditTrailDeps) {}

  envName(envId: string): string | null {
    try {
      return this.deps.environments.get(envId).name;
    } catch {
      return null;
    }
  }

  authorize(envId: string, level: 'operate' | 'administer', what: string): void {
    this.deps.environments.assertAllowed(envId, what, level);
  }

  confirm(token: string | undefined, envId: string, action: ConfirmAction, target: string): void {
    this.deps.confirmations.consume(token, envId, action, target);
  }

  async record(entries: AuditRecord[], team: boolean): Promise<void> {
    const at = this.deps.clock.now();
    const who = this.deps.who();
    for (const e of entries) {
      await this.deps.local.append({ at, who, envId: e.envId, envName: e.envName, action: e.action, target: e.target, before: e.before, after: e.after, ...(e.reason ? { reason: e.reason } : {}) });
    }
    if (team) await this.appendTeam(entries, at, who);
  }

  /** Best effort: the action is done and in the local log; a team stream out of reach is logged. */
  private async appendTeam(entries: AuditRecord[], at: number, who: string): Promise<void> {
    for (const e of entries) {
      if (!e.envId) continue;
      const redis = this.deps.redisOf(e.envId);
      if (!redis) {
        this.deps.logger.warn('team audit entry not written: no connected Redis', { envId: e.envId, action: e.action });
        continue;
      }
      let key: string;
      try {
        key = alertKeys(this.deps.environments.get(e.envId).namespace).audit;
      } catch {
        continue;
      }
      const payload = { who, at, what: e.action, alertId: '', target: e.target, envName: e.envName, ...(e.count !== undefined ? { count: e.count } : {}), before: e.before, after: e.after, ...(e.reason ? { reason: e.reason } : {}) };
      try {
        await redis.xadd(key, '*', STREAM_PAYLOAD_FIELD, JSON.stringify(payload));
      } catch (error) {
        this.deps.logger.warn('team audit entry not written', { envId: e.envId, action: e.action, error: String((error as Error)?.message ?? error) });
      }
    }
  }
}
