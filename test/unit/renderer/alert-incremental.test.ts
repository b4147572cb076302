import { describe, expect, it } from 'vitest';
import { compareAlerts, type AlertSummary } from '../../../shared/model/alerts';
import { alertChangesBetween, applyAlertChanges, applyAlertList, badgeCount, heldCount, initialAlertsState, type AlertsState } from '../../../renderer/src/stores/alerts.logic';
import { applySortedChanges, filterSorted, filterSortedInSlices, mergeAll, sortedAlertsOf, type SortedAlerts } from '../../../renderer/src/stores/alert-index.logic';
import { DEFAULT_ALERT_FILTER } from '../../../renderer/src/stores/alerts.logic';

/**
 * The incremental structures (issue 19: a push costs O(changed), not O(alerts held)) checked
 * against the full recompute over random pushes: status and severity changes, new alerts, late
 * (older) versions, the same id twice in a push, several pushes between two looks, reloads that
 * drop alerts, and ids that repeat across environments.
 */

const NOW = 1_700_000_000_000;
const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
const STATUSES = ['open', 'acknowledged', 'resolved'] as const;

/** A small seeded generator (mulberry32): the same run every time. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function alert(rand: () => number, envId: string, i: number, version = 1): AlertSummary {
  return {
    id: `a${i}`,
    envId,
    severity: SEVERITIES[Math.floor(rand() * 5)]!,
    title: `finding ${i}`,
    message: '',
    status: STATUSES[Math.floor(rand() * 3)]!,
    level: 1,
    // Few distinct times: many alerts tie on status, severity and age, so the id decides.
    createdAt: NOW - Math.floor(rand() * 5) * 1000,
    version,
    updatedBy: 'engine',
    updatedAt: NOW,
    noteCount: 0,
  };
}

const keys = (alerts: readonly AlertSummary[]) => alerts.map((a) => `${a.envId}/${a.id}@${a.version}`);

/** The same state with every `byId` copied: nothing known about how it came about, so every figure is computed in full. */
const fresh = (state: AlertsState): AlertsState => ({ byEnv: Object.fromEntries(Object.entries(state.byEnv).map(([id, env]) => [id, { ...env, byId: { ...env.byId } }])) });

function fullUrgent(state: AlertsState): number {
  return Object.values(state.byEnv)
    .flatMap((env) => Object.values(env.byId))
    .filter((a) => a.status === 'open' && (a.severity === 'critical' || a.severity === 'high')).length;
}

function push(rand: () => number, state: AlertsState, envId: string): AlertsState {
  const held = Object.values(state.byEnv[envId]?.byId ?? {});
  const changed: AlertSummary[] = [];
  for (let k = Math.floor(rand() * (rand() < 0.1 ? 120 : 6)); k >= 0; k--) {
    const r = rand();
    const old = held[Math.floor(rand() * held.length)];
    if (r < 0.6 && old) changed.push({ ...alert(rand, envId, Number(old.id.slice(1))), version: old.version + 1 }); // newer: status, severity, age may change
    else if (r < 0.7 && old) changed.push({ ...old, status: 'resolved', version: Math.max(1, old.version - 1) }); // late: ignored
    else changed.push(alert(rand, envId, 1000 + Math.floor(rand() * 400), 1 + Math.floor(rand() * 3))); // new (or a new id pushed twice)
  }
  return applyAlertChanges(state, envId, changed);
}

describe('incremental alert list, badge and counts (issue 19)', () => {
  it('give exactly what the full recompute gives, push after push, across environments', () => {
    const rand = random(19);
    const envs = ['e1', 'e2', 'e3'];
    let state = initialAlertsState;
    for (const envId of envs) {
      const list = Array.from({ length: 300 }, (_, i) => alert(rand, envId, i));
      state = applyAlertList(state, { envId, alerts: list, total: list.length, readOnly: false });
    }
    const one = new Map<string, SortedAlerts>();
    const all = new Map<string, SortedAlerts>();
    let checks = 0;
    for (let round = 0; round < 200; round++) {
      // Sometimes several pushes (up to past the chain kept) before the view looks again.
      for (let p = rand() < 0.2 ? 1 + Math.floor(rand() * 6) : 1; p > 0; p--) state = push(rand, state, envs[Math.floor(rand() * envs.length)]!);
      if (rand() < 0.03) {
        // A reload: what the list has replaces what was held, some alerts gone.
        const envId = envs[Math.floor(rand() * envs.length)]!;
        const kept = Object.values(state.byEnv[envId]!.byId).filter(() => rand() < 0.9);
        state = applyAlertList(state, { envId, alerts: kept, total: kept.length, readOnly: false });
      }
      const everything = envs.flatMap((envId) => Object.values(state.byEnv[envId]!.byId));
      const rank = (a: AlertSummary) => envs.indexOf(a.envId);
      expect(keys(sortedAlertsOf(state, envs, all))).toEqual(keys([...everything].sort((a, b) => compareAlerts(a, b) || rank(a) - rank(b))));
      expect(keys(sortedAlertsOf(state, envs, all))).toEqual(keys(mergeAll(envs.map((envId) => Object.values(state.byEnv[envId]!.byId).sort(compareAlerts)))));
      expect(keys(sortedAlertsOf(state, ['e2'], one))).toEqual(keys(Object.values(state.byEnv.e2!.byId).sort(compareAlerts)));
      expect(badgeCount(state)).toBe(fullUrgent(state));
      expect(badgeCount(state)).toBe(badgeCount(fresh(state)));
      for (const envId of envs) expect(heldCount(state.byEnv[envId]!.byId)).toBe(Object.keys(state.byEnv[envId]!.byId).length);
      checks++;
    }
    expect(checks).toBe(200);
  });

  it('says what pushes changed, as comparing alert by alert does, or nothing when it cannot know', () => {
    const rand = random(7);
    const list = Array.from({ length: 100 }, (_, i) => alert(rand, 'e1', i));
    const loaded = applyAlertList(initialAlertsState, { envId: 'e1', alerts: list, total: list.length, readOnly: false });
    for (let n = 1; n <= 6; n++) {
      let state = loaded;
      for (let p = 0; p < n; p++) state = push(rand, state, 'e1');
      const from = loaded.byEnv.e1!.byId;
      const to = state.byEnv.e1!.byId;
      const changes = alertChangesBetween(from, to);
      if (n > 4) {
        // Past the pushes kept: the caller recomputes in full.
        expect(changes).toBeNull();
        continue;
      }
      const byComparing = Object.values(to).filter((a) => from[a.id] !== a);
      expect(keys([...changes!.put].sort(compareAlerts))).toEqual(keys(byComparing.sort(compareAlerts)));
      expect(changes!.replaced).toEqual(changes!.put.map((a) => from[a.id]));
    }
    // A full list is not a push: unknown.
    const reloaded = applyAlertList(loaded, { envId: 'e1', alerts: list, total: list.length, readOnly: false });
    expect(alertChangesBetween(loaded.byEnv.e1!.byId, reloaded.byEnv.e1!.byId)).toBeNull();
    // A push of nothing newer changes nothing.
    expect(applyAlertChanges(loaded, 'e1', [{ ...list[0]!, status: 'resolved' }])).toBe(loaded);
  });

  it('moves changed alerts to where a full sort puts them, one by one or merged when many', () => {
    const rand = random(3);
    const list = Array.from({ length: 500 }, (_, i) => alert(rand, 'e1', i)).sort(compareAlerts);
    for (const count of [1, 10, 64, 65, 300]) {
      const replaced = list.filter(() => rand() < count / 500).slice(0, count);
      const put = [...replaced.map((a) => ({ ...alert(rand, 'e1', Number(a.id.slice(1))), version: 2 })), alert(rand, 'e1', 9999)];
      const expected = [...list.filter((a) => !replaced.includes(a)), ...put].sort(compareAlerts);
      expect(keys(applySortedChanges(list, { put, replaced: [...replaced, undefined] }, compareAlerts))).toEqual(keys(expected));
    }
    expect(applySortedChanges(list, { put: [], replaced: [] }, compareAlerts)).toBe(list);
  });

  it('filters a long list in slices to exactly what filterSorted gives, and a cancelled pass gives nothing', () => {
    const rand = random(11);
    const sorted = Array.from({ length: 5000 }, (_, i) => alert(rand, 'e1', i)).sort(compareAlerts);
    const waiting: (() => void)[] = [];
    const schedule = (next: () => void) => (waiting.push(next), () => waiting.splice(waiting.indexOf(next), 1));
    // A clock that moves 1 ms per reading: each slice ends after a few readings.
    let t = 0;
    const clock = () => t++;
    for (const filter of [DEFAULT_ALERT_FILTER, { ...DEFAULT_ALERT_FILTER, text: 'finding 1' }, { ...DEFAULT_ALERT_FILTER, status: 'all' as const, severities: ['high'] }]) {
      let got: AlertSummary[] | null = null;
      filterSortedInSlices(sorted, filter, NOW, (list) => (got = list), { sliceMs: 2, schedule, clock });
      let slices = 1;
      while (waiting.length) {
        waiting.shift()!();
        slices++;
      }
      expect(slices).toBeGreaterThan(2);
      expect(keys(got!)).toEqual(keys(filterSorted(sorted, filter, NOW)));
    }
    let got: AlertSummary[] | null = null;
    const cancel = filterSortedInSlices(sorted, DEFAULT_ALERT_FILTER, NOW, (list) => (got = list), { sliceMs: 2, schedule, clock });
    expect(waiting.length).toBe(1);
    cancel();
    expect(waiting.length).toBe(0);
    expect(got).toBeNull();
  });
});
