import type { AlertSummary } from '../../../shared/model/alerts';
import { heldCount, type AlertsState, type AlertsUnread } from './alerts.logic';

/**
 * Loading every alert of an environment (issue 19): `alerts.list` page after page (an analyst
 * with 100,000 open alerts gets them all, up to a stated cap), and what the Alerts view says when
 * the list it holds is not all there is.
 */

/** Alerts one `alerts.list` call asks for. */
export const ALERT_LOAD_PAGE = 10_000;
/** The most alerts of one environment this console holds; past it the view says how many it left out. */
export const MAX_ALERTS_LOADED = 500_000;

/** One `alerts.list` answer, as far as the loader needs it. */
export interface AlertListPage {
  envId: string;
  alerts: readonly AlertSummary[];
  total: number;
  offset: number;
  listed: number;
  unread: AlertsUnread | null;
  readOnly: boolean;
}

/** Whether another page is to be asked for after `page`, and from which offset (null: done). */
export function nextAlertOffset(page: AlertListPage, pageSize = ALERT_LOAD_PAGE, max = MAX_ALERTS_LOADED): number | null {
  const next = page.offset + page.listed;
  if (page.listed < pageSize || next >= page.total || next >= max) return null;
  return next;
}

/** The pages of one load as one list; the unread counts add up, their reasons are joined. */
export function combineAlertPages(pages: readonly AlertListPage[]): Omit<AlertListPage, 'offset' | 'listed'> {
  const last = pages[pages.length - 1]!;
  const unread = pages.flatMap((p) => (p.unread ? [p.unread] : []));
  return {
    envId: last.envId,
    alerts: pages.length === 1 ? last.alerts : pages.flatMap((p) => p.alerts),
    total: last.total,
    readOnly: last.readOnly,
    unread: unread.length
      ? {
          count: unread.reduce((n, u) => n + u.count, 0),
          reason: [...new Set(unread.map((u) => u.reason))].join('; '),
          retryable: unread.every((u) => u.retryable),
          sampleIds: unread.flatMap((u) => u.sampleIds).slice(0, 5),
        }
      : null,
  };
}

/** How complete the held list of `envIds` is: what the Alerts view's banner says. */
export interface AlertsCoverage {
  /** Alerts held. */
  loaded: number;
  /** Alerts the environments have (their indexes' counts, plus alerts pushed since). */
  total: number;
  /** Listed but not read, and why (environment name: reason). */
  unread: number;
  reasons: string[];
  /** Every unread failure may pass (timeouts): the view reads again on its own. */
  isRetrying: boolean;
  /** Older alerts left out by the cap of MAX_ALERTS_LOADED an environment. */
  notLoaded: number;
}

/** Null when the held list is everything the environments have. */
export function alertsCoverage(state: AlertsState, envIds: readonly string[], nameOf: (envId: string) => string = (id) => id, max = MAX_ALERTS_LOADED): AlertsCoverage | null {
  let loaded = 0;
  let total = 0;
  let unread = 0;
  let isRetrying = true;
  const reasons: string[] = [];
  for (const envId of envIds) {
    const env = state.byEnv[envId];
    if (!env?.isLoaded) continue;
    const held = heldCount(env.byId);
    loaded += held;
    // Below the cap, the index's count read beside the list may differ by an alert created in
    // between (its push follows): what was listed is held or unread, and that is the total.
    total += held >= max ? Math.max(env.total, held + (env.unread?.count ?? 0)) : held + (env.unread?.count ?? 0);
    if (env.unread) {
      unread += env.unread.count;
      isRetrying &&= env.unread.retryable;
      reasons.push(`${envIds.length > 1 ? `${nameOf(envId)}: ` : ''}${env.unread.reason}${env.unread.retryable ? '' : ` (e.g. ${env.unread.sampleIds.join(', ')})`}`);
    }
  }
  if (loaded >= total && unread === 0) return null;
  return { loaded, total, unread, reasons, isRetrying: unread > 0 && isRetrying, notLoaded: Math.max(0, total - loaded - unread) };
}
