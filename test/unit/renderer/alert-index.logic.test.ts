import { describe, expect, it } from 'vitest';
import { compareAlerts, type AlertSummary } from '../../../shared/model/alerts';
import { DEFAULT_ALERT_FILTER, applyAlertChanges, applyAlertList, badgeCount, filterAlerts, initialAlertsState } from '../../../renderer/src/stores/alerts.logic';
import { alertByKey, filterSorted, indexOfKey, mergeAll, moveKey, sortEnvAlerts, sortedAlertsOf, type SortedAlerts } from '../../../renderer/src/stores/alert-index.logic';

const NOW = 1_700_000_000_000;
const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
const STATUSES = ['open', 'acknowledged', 'resolved'] as const;
const alert = (i: number, envId = 'e1', patch: Partial<AlertSummary> = {}): AlertSummary => ({
  id: `a${i}`,
  envId,
  severity: SEVERITIES[(i * 7) % 5]!,
  title: `${['kong', 'aws', 'k8s'][i % 3]}: finding ${i}`,
  message: '',
  status: STATUSES[(i * 11) % 3]!,
  level: 1,
  createdAt: NOW - ((i * 37) % 50) * 1000,
  version: 1,
  updatedBy: 'engine',
  updatedAt: NOW,
  noteCount: 0,
  ...patch,
});
const ids = (alerts: readonly AlertSummary[]) => alerts.map((a) => `${a.envId}/${a.id}`);

describe('the Alerts view list kept in triage order', () => {
  it('lists what filterAlerts lists, in the same order, for every filter', () => {
    const all = Array.from({ length: 300 }, (_, i) => alert(i));
    const state = applyAlertList(initialAlertsState, { envId: 'e1', alerts: all, total: all.length, readOnly: false });
    const sorted = sortedAlertsOf(state, ['e1'], new Map());
    for (const filter of [DEFAULT_ALERT_FILTER, { ...DEFAULT_ALERT_FILTER, text: 'K8S' }, { ...DEFAULT_ALERT_FILTER, status: 'all' as const, severities: ['high', 'low'] }, { ...DEFAULT_ALERT_FILTER, text: 'finding 1', status: 'resolved' as const }]) {
      expect(ids(filterSorted(sorted, filter, NOW))).toEqual(ids(filterAlerts(all, filter, NOW)));
    }
  });

  it('merges a push into the sorted list it had: changed, new and newer alerts land where a full sort puts them', () => {
    const all = Array.from({ length: 200 }, (_, i) => alert(i));
    let state = applyAlertList(initialAlertsState, { envId: 'e1', alerts: all, total: all.length, readOnly: false });
    const cache = new Map<string, SortedAlerts>();
    const before = sortedAlertsOf(state, ['e1'], cache);
    state = applyAlertChanges(state, 'e1', [alert(3, 'e1', { status: 'resolved', version: 2 }), alert(500, 'e1', { severity: 'critical', createdAt: NOW }), alert(40, 'e1', { severity: 'info', version: 3 })]);
    const after = sortedAlertsOf(state, ['e1'], cache);
    expect(after).not.toBe(before);
    expect(ids(after)).toEqual(ids(Object.values(state.byEnv.e1!.byId).sort(compareAlerts)));
    expect(after.length).toBe(201);
    // Unchanged data: the same list, no work.
    expect(sortedAlertsOf(state, ['e1'], cache)).toBe(after);
  });

  it('drops alerts no longer held and sorts in full when most changed', () => {
    const byId = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`a${i}`, alert(i)]));
    const first = sortEnvAlerts(byId);
    const { a1: _gone, ...rest } = byId;
    expect(sortEnvAlerts(rest, first).sorted.map((a) => a.id)).not.toContain('a1');
    const renewed = Object.fromEntries(Object.values(byId).map((a) => [a.id, { ...a, severity: 'info' as const, version: 2 }]));
    expect(ids(sortEnvAlerts(renewed, first).sorted)).toEqual(ids(Object.values(renewed).sort(compareAlerts)));
  });

  it('merges several environments into one triage order', () => {
    let state = initialAlertsState;
    const envs = ['e1', 'e2', 'e3'];
    for (const envId of envs) {
      const list = Array.from({ length: 80 }, (_, i) => alert(i, envId));
      state = applyAlertList(state, { envId, alerts: list, total: list.length, readOnly: false });
    }
    const everything = envs.flatMap((envId) => Object.values(state.byEnv[envId]!.byId));
    const cache = new Map<string, SortedAlerts>();
    expect(ids(sortedAlertsOf(state, envs, cache))).toEqual(ids([...everything].sort(compareAlerts)));
    // A narrower scope forgets the others.
    expect(ids(sortedAlertsOf(state, ['e2'], cache))).toEqual(ids(everything.filter((a) => a.envId === 'e2').sort(compareAlerts)));
    expect([...cache.keys()]).toEqual(['e2']);
    expect(mergeAll([])).toEqual([]);
  });

  it('finds an alert by its list key, and moves a key by rows (clamped, first or last when not listed)', () => {
    const list = Array.from({ length: 5 }, (_, i) => alert(i, 'env/with/slash'));
    const state = applyAlertList(initialAlertsState, { envId: 'env/with/slash', alerts: list, total: 5, readOnly: false });
    expect(alertByKey(state, ['env/with/slash'], 'env/with/slash/a2')?.id).toBe('a2');
    expect(alertByKey(state, ['other'], 'env/with/slash/a2')).toBeUndefined();
    expect(indexOfKey(list, 'env/with/slash/a3')).toBe(3);
    expect(indexOfKey(list, 'env/with/slash/a33')).toBe(-1);
    expect(indexOfKey(list, null)).toBe(-1);
    expect(moveKey(list, 'env/with/slash/a3', 1)).toBe('env/with/slash/a4');
    expect(moveKey(list, 'env/with/slash/a4', 1)).toBe('env/with/slash/a4');
    expect(moveKey(list, 'gone', 1)).toBe('env/with/slash/a0');
    expect(moveKey(list, null, -1)).toBe('env/with/slash/a4');
    expect(moveKey([], 'x', 1)).toBeNull();
  });

  it('badges from a count kept per version of an environment', () => {
    const list = [alert(0, 'e1', { status: 'open', severity: 'critical' }), alert(1, 'e1', { status: 'open', severity: 'low' })];
    let state = applyAlertList(initialAlertsState, { envId: 'e1', alerts: list, total: 2, readOnly: false });
    expect(badgeCount(state)).toBe(1);
    state = applyAlertChanges(state, 'e1', [alert(1, 'e1', { status: 'open', severity: 'high', version: 2 })]);
    expect(badgeCount(state)).toBe(2);
  });
});
