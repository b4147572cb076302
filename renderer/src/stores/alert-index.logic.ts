import { compareAlerts, type AlertSummary } from '../../../shared/model/alerts';
import { alertMatcher, type AlertFilter, type AlertsState } from './alerts.logic';

/**
 * The Alerts view's list, kept cheap at 100,000 alerts: the triage order depends on the data
 * only, not on the filter, so each environment's alerts are sorted once per change of its data
 * (a push of a few alerts merges them into the sorted list it had, O(n)), the environments' lists
 * are merged, and a filter change is one pass over the sorted list with a precomputed lower-case
 * search text per alert. Pure functions; the view keeps the previous results between renders.
 */

/** One environment's alerts (its `byId`) in triage order. */
export interface SortedAlerts {
  byId: Readonly<Record<string, AlertSummary>>;
  sorted: readonly AlertSummary[];
}

/** Above this share of changed alerts a full sort is cheaper than a merge. */
const MERGE_SHARE = 0.25;

/** `byId` in triage order, from `previous` (the same environment's last result) when it can. */
export function sortEnvAlerts(byId: Readonly<Record<string, AlertSummary>>, previous?: SortedAlerts): SortedAlerts {
  if (previous?.byId === byId) return previous;
  const all = Object.values(byId);
  if (previous && previous.sorted.length) {
    const changed = all.filter((a) => previous.byId[a.id] !== a);
    if (changed.length <= all.length * MERGE_SHARE) {
      // The held alerts still current, in their order, and the new or newer ones merged in.
      const kept = previous.sorted.filter((a) => byId[a.id] === a);
      return { byId, sorted: changed.length ? mergeSorted(kept, changed.sort(compareAlerts)) : kept };
    }
  }
  return { byId, sorted: all.sort(compareAlerts) };
}

/** Two lists in triage order as one (stable: on a tie the first list's alert comes first). */
export function mergeSorted(a: readonly AlertSummary[], b: readonly AlertSummary[]): AlertSummary[] {
  const out: AlertSummary[] = new Array<AlertSummary>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = compareAlerts(b[j]!, a[i]!) < 0 ? b[j++]! : a[i++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}

/** Several environments' sorted lists as one list in triage order (pairwise merges, O(n log k)). */
export function mergeAll(lists: readonly (readonly AlertSummary[])[]): readonly AlertSummary[] {
  if (lists.length === 0) return [];
  let round = [...lists];
  while (round.length > 1) {
    const next: (readonly AlertSummary[])[] = [];
    for (let i = 0; i < round.length; i += 2) next.push(i + 1 < round.length ? mergeSorted(round[i]!, round[i + 1]!) : round[i]!);
    round = next;
  }
  return round[0]!;
}

/**
 * The alerts of `envIds` in triage order. `cache` holds each environment's last SortedAlerts
 * and is updated (environments out of scope are dropped from it).
 */
export function sortedAlertsOf(state: AlertsState, envIds: readonly string[], cache: Map<string, SortedAlerts>): readonly AlertSummary[] {
  const lists = envIds.map((envId) => {
    const sorted = sortEnvAlerts(state.byEnv[envId]?.byId ?? {}, cache.get(envId));
    cache.set(envId, sorted);
    return sorted.sorted;
  });
  for (const envId of [...cache.keys()]) if (!envIds.includes(envId)) cache.delete(envId);
  return lists.length === 1 ? lists[0]! : mergeAll(lists);
}

/** The alerts of a list already in triage order that pass the filter, in that order. */
export function filterSorted(sorted: readonly AlertSummary[], filter: AlertFilter, now: number): AlertSummary[] {
  return sorted.filter(alertMatcher(filter, now));
}

/** The alert a list key (`envId/id`) names, among the environments in scope, or undefined. */
export function alertByKey(state: AlertsState, envIds: readonly string[], key: string): AlertSummary | undefined {
  for (const envId of envIds) if (key.startsWith(`${envId}/`)) return state.byEnv[envId]?.byId[key.slice(envId.length + 1)];
  return undefined;
}

/** The index of the alert a key names in a list, or -1 (compares without building every key). */
export function indexOfKey(alerts: readonly AlertSummary[], key: string | null): number {
  if (key === null) return -1;
  for (let i = 0; i < alerts.length; i++) {
    const a = alerts[i]!;
    if (key.length === a.envId.length + 1 + a.id.length && key.endsWith(a.id) && key.startsWith(a.envId) && key[a.envId.length] === '/') return i;
  }
  return -1;
}

/** The key `delta` rows from `key` in a list (j/k), clamped; the first (or last) row when `key` is not listed. */
export function moveKey(alerts: readonly AlertSummary[], key: string | null, delta: number): string | null {
  if (!alerts.length) return null;
  const at = indexOfKey(alerts, key);
  const to = at === -1 ? (delta > 0 ? 0 : alerts.length - 1) : Math.min(alerts.length - 1, Math.max(0, at + delta));
  return `${alerts[to]!.envId}/${alerts[to]!.id}`;
}
