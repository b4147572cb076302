import { CodedError } from '../../../shared/contract/errors';
import { briefAlert } from '../../../shared/contract/method-groups/alerts';
import { nextEscalation, policyFor, summarize, type AlertState } from '../../../shared/model/alerts';
import type { AlertService } from '../alerts/alert-service';
import { findEvidence, withStoredEvidence } from '../alerts/evidence';
import type { LocalAuditLog } from '../audit/local-audit-log';
import type { ConsoleSettingsStore } from '../settings/console-settings';
import type { CoreContext, HandlerGroup } from './context';

/**
 * Alerts, the team audit stream, this console's hash-chained audit log and its settings. Roles,
 * write mode and the audit entries of actions are the dispatcher's (declared in the contract); the
 * handlers add the alert's state before.
 */
export function alertHandlers(ctx: CoreContext, audit: LocalAuditLog, settings: ConsoleSettingsStore): HandlerGroup<'alerts.' | 'audit.' | 'settings.'> {
  const serviceOf = (envId: string): AlertService => {
    ctx.runtime(envId).assertNotCluster('Alert triage (its Lua scripts touch several alert keys)');
    const service = ctx.runtime(envId).alerts;
    if (!service) throw new CodedError('NOT_FOUND', 'this environment has no Redis: alerts live in Redis');
    ctx.redisOf(envId); // BROKER_UNAVAILABLE with the reason when Redis is down
    return service;
  };
  return {
    'alerts.list': async ({ envId, limit, offset }) => {
      const service = serviceOf(envId);
      const [{ alerts, unread }, total] = await Promise.all([service.store.list(limit, offset), service.store.count()]);
      const unreadShown = unread ? { ...unread, reason: ctx.redactor.redact(unread.reason) } : null;
      return {
        envId,
        alerts: alerts.map((a) => summarize(envId, a)),
        total,
        offset,
        listed: alerts.length + (unread?.count ?? 0),
        partial: unread !== null,
        unread: unreadShown,
        readOnly: ctx.environments.isReadOnlyNow(ctx.environments.get(envId)),
      };
    },
    'alerts.get': async ({ envId, id }) => {
      const service = serviceOf(envId);
      const alert = await service.store.get(id);
      if (!alert) throw new CodedError('NOT_FOUND', `no alert ${id} in this environment`);
      return { alert, next: nextEscalation(alert, service.store.policy), steps: [...policyFor(service.store.policy, alert.severity).steps] };
    },
    'alerts.act': async ({ envId, id, expectedVersion, action, reason, resolution, snoozedUntil, assignee }, call) => {
      const service = serviceOf(envId);
      const before = await service.store.get(id);
      call.note({ before: before ? briefAlert(before) : null });
      return service.store.act({ id, expectedVersion, action, reason, resolution, snoozedUntil, assignee }, settings.who(), ctx.clock.now());
    },
    'alerts.bulk': async ({ envId, items, action, reason, resolution }, call) => {
      const service = serviceOf(envId);
      const done: AlertState[] = [];
      const failed: { id: string; code: string; message: string }[] = [];
      for (const { id, expectedVersion } of items) {
        try {
          const before = await service.store.get(id);
          const after = await service.store.act({ id, expectedVersion, action, reason, resolution }, settings.who(), ctx.clock.now());
          call.note({ target: id, before: before ? briefAlert(before) : null, after: briefAlert(after) });
          done.push(after);
        } catch (error) {
          failed.push({ id, code: error instanceof CodedError ? error.code : 'INTERNAL', message: ctx.redactor.redact((error as Error).message) });
        }
      }
      return { done, failed };
    },
    'alerts.evidence': async ({ envId, id }) => {
      const service = serviceOf(envId);
      const alert = await service.store.get(id);
      if (!alert) throw new CodedError('NOT_FOUND', `no alert ${id} in this environment`);
      const runtime = ctx.runtime(envId);
      const found = await findEvidence(ctx.redisOf(envId), alert, runtime.monitor.snapshot().redis.streams ?? []);
      return withStoredEvidence(found, alert, runtime.history, ctx.logger);
    },
    'alerts.policy': async ({ envId }) => serviceOf(envId).loadPolicy(),
    'alerts.setPolicy': async ({ envId, policy }, call) => {
      const service = serviceOf(envId);
      call.note({ before: await service.loadPolicy() });
      const saved = await service.savePolicy(policy);
      call.note({ after: saved });
      return saved;
    },
    'audit.team': async ({ envId, count, before }) => serviceOf(envId).store.audit(count, before),
    'audit.local': async ({ count, beforeSeq, fullVerify }) => {
      const [entries, verification] = await Promise.all([audit.list(count, beforeSeq), fullVerify ? audit.verifyFull() : audit.verify()]);
      return { entries, verification };
    },
    'settings.get': async () => ({ ...settings.get(), who: settings.who() }),
    'settings.update': async (input) => ({ ...(await settings.update(input)), who: settings.who() }),
  };
}
