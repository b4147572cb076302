import type { Result } from '../../../shared/contract';
import type { AlertAction, Resolution } from '../../../shared/contract/method-groups/alerts';
import type { ResultOf } from '../../../shared/contract/methods';
import { summarize, type AlertState, type AlertSummary } from '../../../shared/model/alerts';
import type { AppServices } from '../services';
import { applyAlertChanges } from '../stores/alerts.logic';

/**
 * Every change the Alerts and Audit screens make goes through here. An answer's new alert state
 * goes into the alerts store at once (the `alerts.changed` push that follows carries the same
 * version and is then ignored), so the console that acted does not wait for its own push.
 */

/** What an action on one alert sends besides the alert and its version. */
export interface AlertChange {
  action: AlertAction;
  reason?: string;
  resolution?: Resolution;
  assignee?: string;
  snoozedUntil?: number;
}

/** The alert an action targets: its version is the compare-and-set's expected one. */
export type AlertRef = Pick<AlertSummary, 'envId' | 'id' | 'version'>;

/** One action on one alert (ack, escalate, resolve, reopen, snooze, note, assign). */
export async function actOnAlert({ client, stores }: Pick<AppServices, 'client' | 'stores'>, alert: AlertRef, change: AlertChange): Promise<Result<AlertState>> {
  const result = await client.call('alerts.act', { envId: alert.envId, id: alert.id, expectedVersion: alert.version, ...change });
  if (result.ok) stores.alerts.setState((state) => applyAlertChanges(state, alert.envId, [summarize(alert.envId, result.value)]), true);
  return result;
}

/** The most alerts one `alerts.bulk` call takes (its contract's limit). */
export const BULK_CHUNK = 1000;

/** What a bulk action did: how many changed, why the others did not, or the error that stopped it. */
export type BulkOutcome = { ok: true; done: number; failed: string[] } | { ok: false; done: number; message: string };

/**
 * The same action on many alerts, in calls of at most `BULK_CHUNK` per environment (an incident
 * of 8,000 goes in several). Stops at the first refused call; each alert is its own compare-and-set.
 */
export async function bulkActOnAlerts(
  { client, stores }: Pick<AppServices, 'client' | 'stores'>,
  alerts: readonly AlertRef[],
  change: { action: 'ack' | 'resolve'; reason: string; resolution?: Resolution },
): Promise<BulkOutcome> {
  const byEnv = new Map<string, AlertRef[]>();
  for (const a of alerts) byEnv.set(a.envId, [...(byEnv.get(a.envId) ?? []), a]);
  let done = 0;
  const failed: string[] = [];
  for (const [envId, list] of byEnv) {
    for (let at = 0; at < list.length; at += BULK_CHUNK) {
      const items = list.slice(at, at + BULK_CHUNK).map((a) => ({ id: a.id, expectedVersion: a.version }));
      const answer = await client.call('alerts.bulk', { envId, ...change, items });
      if (!answer.ok) return { ok: false, done, message: answer.error.message };
      const changed = answer.value.done;
      if (changed.length) stores.alerts.setState((state) => applyAlertChanges(state, envId, changed.map((a) => summarize(envId, a))), true);
      done += changed.length;
      failed.push(...answer.value.failed.map((f) => f.message));
    }
  }
  return { ok: true, done, failed };
}

/** Sets the analyst name this console's actions are recorded under (the Audit screen's setting). */
export function setAnalystName({ client }: Pick<AppServices, 'client'>, analystName: string): Promise<Result<ResultOf<'settings.update'>>> {
  return client.call('settings.update', { analystName });
}
