import { CodedError } from '../../../shared/contract/errors';
import { nextEscalation, policyFor, summarize, type AlertState } from '../../../shared/model/alerts';
import type { AlertService } from '../alerts/alert-service';
import { findEvidence } from '../alerts/evidence';
import type { LocalAuditLog } from '../audit/local-audit-log';
import type { ConsoleSettingsStore } from '../settings/console-settings';
import type { CoreContext, HandlerGroup } from './context';

const brief = (a: AlertState) => ({ status: a.status, level: a.level, version: a.version, assignee: a.assignee, resolution: a.resolution, snoozedUntil: a.snoozedUntil });

/** Alerts, the team audit stream, this console's hash-chained audit log and its settings. */
export function alertHandlers(ctx: CoreContext, audit: LocalAuditLog, settings: ConsoleSettingsStore): HandlerGroup<'alerts.' | 'audit.' | 'settings.'> {
  const serviceOf = (envId: string): AlertService => {
    ctx.runtime(envId).assertNotCluster('Alert triage (its Lua scripts touch several alert keys)');
    const service = ctx.runtime(envId).alerts;
    if (!service) throw new CodedError('NOT_FOUND', 'this environment has no Redis: alerts live in Redis');
    ctx.redisOf(envId); // BROKER_UNAVAILABLE with the reason when Redis is down
    return service;
  };
  const record = async (envId: string, action: string, target: string, before: AlertState | null, after: AlertState | null, reason?: string) => {
    const profile = ctx.environments.get(envId);
    await audit.append({
      at: ctx.clock.now(),
      who: settings.who(),
      envId,
      envName: profile.name,
      action,
      target,
      before: before ? brief(before) : null,
      after: after ? brief(after) : null,
      ...(reason ? { reason } : {}),
    });
  };
  return {
    'alerts.list': async ({ envId, limit }) => {
      const service = serviceOf(envId);
      const [alerts, total] = await Promise.all([service.store.list(limit), service.store.count()]);
      return { envId, alerts: alerts.map((a) => summarize(envId, a)), total, readOnly: ctx.environments.isReadOnlyNow(ctx.environments.get(envId)) };
    },
    'alerts.get': async ({ envId, id }) => {
      const service = serviceOf(envId);
      const alert = await service.store.get(id);
      if (!alert) throw new CodedError('NOT_FOUND', `no alert ${id} in this environment`);
      return { alert, next: nextEscalation(alert, service.store.policy), steps: [...policyFor(service.store.policy, alert.severity).steps] };
    },
    'alerts.act': async ({ envId, id, expectedVersion, action, reason, resolution, snoozedUntil, assignee }) => {
      ctx.environments.assertAllowed(envId, `${action} alert ${id}`);
      const service = serviceOf(envId);
      const before = await service.store.get(id);
      const after = await service.store.act({ id, expectedVersion, action, reason, resolution, snoozedUntil, assignee }, settings.who(), ctx.clock.now());
      await record(envId, `alert.${action}`, id, before, after, reason);
      return after;
    },
    'alerts.bulk': async ({ envId, items, action, reason, resolution }) => {
      ctx.environments.assertAllowed(envId, `${action} ${items.length} alerts`);
      const service = serviceOf(envId);
      const done: AlertState[] = [];
      const failed: { id: string; code: string; message: string }[] = [];
      for (const { id, expectedVersion } of items) {
        try {
          const before = await service.store.get(id);
          const after = await service.store.act({ id, expectedVersion, action, reason, resolution }, settings.who(), ctx.clock.now());
          await record(envId, `alert.${action}`, id, before, after, reason);
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
      const streams = ctx.runtime(envId).monitor.snapshot().redis.streams ?? [];
      return findEvidence(ctx.redisOf(envId), alert, streams);
    },
    'alerts.policy': async ({ envId }) => serviceOf(envId).loadPolicy(),
    'alerts.setPolicy': async ({ envId, policy }) => {
      ctx.environments.assertAllowed(envId, 'change the escalation policy', 'administer');
      const service = serviceOf(envId);
      const before = await service.loadPolicy();
      const saved = await service.savePolicy(policy);
      const profile = ctx.environments.get(envId);
      await audit.append({ at: ctx.clock.now(), who: settings.who(), envId, envName: profile.name, action: 'alerts.policy', target: 'escalation policy', before, after: saved });
      return saved;
    },
    'audit.team': async ({ envId, count, before }) => {
      const entries = await serviceOf(envId).store.audit(count, before);
      return entries.map((e) => ({ ...e, streamId: e.streamId ?? '', before: e.before ?? null }));
    },
    'audit.local': async ({ count, beforeSeq }) => {
      const [entries, verification] = await Promise.all([audit.list(count, beforeSeq), audit.verify()]);
      return { entries, verification };
    },
    'settings.get': async () => ({ ...settings.get(), who: settings.who() }),
    'settings.update': async (input) => ({ ...(await settings.update(input)), who: settings.who() }),
  };
}
