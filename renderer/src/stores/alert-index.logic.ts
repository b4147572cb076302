import { compareAlerts, type AlertSummary } from '../../../shared/model/alerts';
import { alertChangesBetween, alertMatcher, type AlertFilter, type AlertsDelta, type AlertsState } from './alerts.logic';

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
  if (previous) {
    // Made from the previous version by pushes: only the alerts they changed move.
    const changes = alertChangesBetween(previous.byId, byId);
    if (changes) return { byId, sorted: applySortedChanges(previous.sorted, changes, compareAlerts) };
  }
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

/** Up to this many changes are moved one by one (binary search and splice); more are merged in one pass. */
const SPLICE_CHANGES = 64;

/**
 * A list sorted by `compare` (a strict order: no two of its alerts compare equal) with a push's
 * changes applied: each replaced alert taken out, each put alert placed where a full sort puts it.
 */
export function applySortedChanges(sorted: readonly AlertSummary[], changes: Pick<AlertsDelta, 'put' | 'replaced'>, compare: (a: AlertSummary, b: AlertSummary) => number): readonly AlertSummary[] {
  if (!changes.put.length) return sorted;
  if (changes.put.length > SPLICE_CHANGES) {
    const gone = new Set(changes.replaced);
    return mergeSorted(
      sorted.filter((a) => !gone.has(a)),
      [...changes.put].sort(compare),
      compare,
    );
  }
  const out = sorted.slice();
  for (const old of changes.replaced) {
    if (!old) continue;
    const at = lowerBound(out, old, compare);
    out.splice(out[at] === old ? at : out.indexOf(old), 1);
  }
  for (const a of changes.put) out.splice(lowerBound(out, a, compare), 0, a);
  return out;
}

/** The first index whose alert does not sort before `a`. */
function lowerBound(sorted: readonly AlertSummary[], a: AlertSummary, compare: (a: AlertSummary, b: AlertSummary) => number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compare(sorted[mid]!, a) < 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Two lists in triage order as one (stable: on a tie the first list's alert comes first). */
export function mergeSorted(a: readonly AlertSummary[], b: readonly AlertSummary[], compare: (a: AlertSummary, b: AlertSummary) => number = compareAlerts): AlertSummary[] {
  const out: AlertSummary[] = new Array<AlertSummary>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = compare(b[j]!, a[i]!) < 0 ? b[j++]! : a[i++]!;
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
 * and is updated (environments out of scope are dropped from it). Across environments the list
 * is the merge of theirs (a tie goes to the environment listed first); a push into one of them
 * moves its changes in the merged list kept for this cache instead of merging 100,000 again.
 */
export function sortedAlertsOf(state: AlertsState, envIds: readonly string[], cache: Map<string, SortedAlerts>): readonly AlertSummary[] {
  const before = envIds.map((envId) => cache.get(envId));
  const now = envIds.map((envId, i) => {
    const sorted = sortEnvAlerts(state.byEnv[envId]?.byId ?? {}, before[i]);
    cache.set(envId, sorted);
    return sorted;
  });
  for (const envId of [...cache.keys()]) if (!envIds.includes(envId)) cache.delete(envId);
  if (now.length === 1) return now[0]!.sorted;
  const held = MERGED.get(cache);
  let merged = held && sameList(held.envIds, envIds) && sameList(held.parts, now) ? held.merged : null;
  if (!merged && held && sameList(held.envIds, envIds)) merged = mergeChanges(held, now, envIds);
  merged ??= mergeAll(now.map((s) => s.sorted));
  MERGED.set(cache, { envIds, parts: now, merged });
  return merged;
}

/** The merged list each cache of sortedAlertsOf last gave, and what it was made of. */
const MERGED = new WeakMap<Map<string, SortedAlerts>, { envIds: readonly string[]; parts: readonly SortedAlerts[]; merged: readonly AlertSummary[] }>();

const sameList = <T>(a: readonly T[], b: readonly T[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** The merged list with the pushes into its environments applied, or null when one of them was not a push (a reload): merge again. */
function mergeChanges(held: { parts: readonly SortedAlerts[]; merged: readonly AlertSummary[] }, now: readonly SortedAlerts[], envIds: readonly string[]): readonly AlertSummary[] | null {
  const put: AlertSummary[] = [];
  const replaced: (AlertSummary | undefined)[] = [];
  for (const [i, part] of now.entries()) {
    const was = held.parts[i]!;
    if (was === part) continue;
    const changes = alertChangesBetween(was.byId, part.byId);
    if (!changes) return null;
    put.push(...changes.put);
    replaced.push(...changes.replaced);
  }
  const rank = new Map(envIds.map((envId, i) => [envId, i]));
  // mergeAll's order: triage order, then the environment's place in `envIds` (ids repeat across environments).
  const compare = (a: AlertSummary, b: AlertSummary) => compareAlerts(a, b) || rank.get(a.envId)! - rank.get(b.envId)!;
  return applySortedChanges(held.merged, { put, replaced }, compare);
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

/** How a long filter pass waits for its next slice (the page paints in between). */
export type SliceScheduler = (next: () => void) => () => void;

/** The next slice as a new task (MessageChannel: no 4 ms clamp of nested timers); returns a cancel. */
export const nextTaskScheduler: SliceScheduler = (next) => {
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    channel.port1.close();
    next();
  };
  channel.port2.postMessage(null);
  return () => channel.port1.close();
};

/**
 * filterSorted over a long list in slices of about `sliceMs` each (the first one at once), so a
 * filter change over 100,000 alerts never holds the page for the whole pass: `done` gets exactly
 * what filterSorted gives. Returns a cancel (a newer filter or list makes this pass useless).
 */
export function filterSortedInSlices(
  sorted: readonly AlertSummary[],
  filter: AlertFilter,
  now: number,
  done: (list: AlertSummary[]) => void,
  options: { sliceMs?: number; schedule?: SliceScheduler; clock?: () => number } = {},
): () => void {
  const { sliceMs = 6, schedule = nextTaskScheduler, clock = () => performance.now() } = options;
  const matches = alertMatcher(filter, now);
  const out: AlertSummary[] = [];
  let i = 0;
  let isCancelled = false;
  let cancelNext = () => {};
  const step = () => {
    if (isCancelled) return;
    const until = clock() + sliceMs;
    do {
      const end = Math.min(sorted.length, i + 1024);
      for (; i < end; i++) if (matches(sorted[i]!)) out.push(sorted[i]!);
    } while (i < sorted.length && clock() < until);
    if (i < sorted.length) cancelNext = schedule(step);
    else done(out);
  };
  step();
  return () => {
    isCancelled = true;
    cancelNext();
  };
}
