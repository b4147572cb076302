import { describe, expect, it } from 'vitest';
import type { AlertSummary } from '../../../shared/model/alerts';
import {
  DEFAULT_ALERT_FILTER,
  DEFAULT_NOTIFY_PREFS,
  applyAlertChanges,
  applyAlertList,
  badgeCount,
  filterAlerts,
  initialAlertsState,
  moveCursor,
  notifiable,
  notificationText,
  slaCountdown,
} from '../../../renderer/src/stores/alerts.logic';
import { sameRedisAliases } from '../../../shared/model/overview';

const NOW = 1_700_000_000_000;
const alert = (id: string, patch: Partial<AlertSummary> = {}): AlertSummary => ({
  id,
  envId: 'e1',
  severity: 'high',
  title: `alert ${id}`,
  message: '',
  status: 'open',
  level: 1,
  createdAt: NOW - 60_000,
  version: 1,
  updatedBy: 'engine',
  updatedAt: NOW,
  noteCount: 0,
  ...patch,
});

describe('alerts store logic', () => {
  it('keeps the newest version of each alert and ignores late pushes', () => {
    let state = applyAlertList(initialAlertsState, { envId: 'e1', alerts: [alert('a')], total: 1, readOnly: false });
    state = applyAlertChanges(state, 'e1', [alert('a', { status: 'acknowledged', version: 2 }), alert('b')]);
    expect(state.byEnv.e1!.byId.a!.status).toBe('acknowledged');
    expect(state.byEnv.e1!.total).toBe(2);
    const same = applyAlertChanges(state, 'e1', [alert('a', { version: 1 })]);
    expect(same).toBe(state);
  });

  it('orders unresolved first, most severe, newest, and filters by every field', () => {
    const list = [
      alert('low-new', { severity: 'low', createdAt: NOW }),
      alert('crit-old', { severity: 'critical', createdAt: NOW - 100_000, assetId: 'asset-9' }),
      alert('crit-new', { severity: 'critical', createdAt: NOW - 1000, organizationId: 'org-7' }),
      alert('done', { severity: 'critical', status: 'resolved' }),
      alert('snoozed', { snoozedUntil: NOW + 60_000 }),
      alert('l2', { level: 2, source: 'k8s_monitor' }),
    ];
    expect(filterAlerts(list, DEFAULT_ALERT_FILTER, NOW).map((a) => a.id)).toEqual(['crit-new', 'crit-old', 'l2', 'low-new']);
    expect(filterAlerts(list, { ...DEFAULT_ALERT_FILTER, status: 'all', showSnoozed: true }, NOW).map((a) => a.id)).toEqual(['crit-new', 'crit-old', 'l2', 'snoozed', 'low-new', 'done']);
    expect(filterAlerts(list, { ...DEFAULT_ALERT_FILTER, severities: ['low'] }, NOW).map((a) => a.id)).toEqual(['low-new']);
    expect(filterAlerts(list, { ...DEFAULT_ALERT_FILTER, level: 2 }, NOW).map((a) => a.id)).toEqual(['l2']);
    expect(filterAlerts(list, { ...DEFAULT_ALERT_FILTER, asset: 'ASSET-9' }, NOW).map((a) => a.id)).toEqual(['crit-old']);
    expect(filterAlerts(list, { ...DEFAULT_ALERT_FILTER, organization: 'org-7' }, NOW).map((a) => a.id)).toEqual(['crit-new']);
    expect(filterAlerts(list, { ...DEFAULT_ALERT_FILTER, source: 'k8s' }, NOW).map((a) => a.id)).toEqual(['l2']);
    expect(filterAlerts(list, { ...DEFAULT_ALERT_FILTER, text: 'alert low' }, NOW).map((a) => a.id)).toEqual(['low-new']);
  });

  it('counts down to the SLA deadline and turns overdue', () => {
    expect(slaCountdown(alert('a', { slaDeadline: NOW + 125_000 }), NOW)).toEqual({ text: '2 min 05 s left', isOverdue: false });
    expect(slaCountdown(alert('a', { slaDeadline: NOW - 3_700_000 }), NOW)).toEqual({ text: 'OVERDUE by 1 h 01 min', isOverdue: true });
    // without a deadline: the acknowledgment deadline of the policy (30 min)
    expect(slaCountdown(alert('a', { createdAt: NOW }), NOW)).toEqual({ text: '30 min left', isOverdue: false });
    expect(slaCountdown(alert('a', { slaDeadline: NOW + 45_000 }), NOW)).toEqual({ text: '45 s left', isOverdue: false });
    expect(slaCountdown(alert('a', { status: 'resolved' }), NOW)).toBeNull();
  });

  it('notifies only for new open critical/high alerts the analyst wants, after the first load', () => {
    const loaded = applyAlertList(initialAlertsState, { envId: 'e1', alerts: [alert('old')], total: 1, readOnly: false }).byEnv.e1;
    const changed = [alert('old', { version: 2 }), alert('new-crit', { severity: 'critical' }), alert('new-med', { severity: 'medium' }), alert('new-high')];
    expect(notifiable(loaded, changed, DEFAULT_NOTIFY_PREFS).map((a) => a.id)).toEqual(['new-crit', 'new-high']);
    expect(notifiable(loaded, changed, { ...DEFAULT_NOTIFY_PREFS, high: false }).map((a) => a.id)).toEqual(['new-crit']);
    expect(notifiable(undefined, changed, DEFAULT_NOTIFY_PREFS)).toEqual([]);
    expect(notificationText([alert('x', { severity: 'critical', title: 'root login' })])).toEqual({ title: 'CRITICAL alert', body: 'root login' });
    expect(notificationText([alert('x', { severity: 'critical' }), alert('y')]).title).toBe('2 new alerts');
  });

  it('badges open critical and high alerts; j/k move within the list', () => {
    const state = applyAlertList(initialAlertsState, { envId: 'e1', alerts: [alert('a'), alert('b', { status: 'acknowledged' }), alert('c', { severity: 'low' })], total: 3, readOnly: false });
    expect(badgeCount(state)).toBe(1);
    expect(moveCursor(['a', 'b', 'c'], 'a', 1)).toBe('b');
    expect(moveCursor(['a', 'b', 'c'], 'c', 1)).toBe('c');
    expect(moveCursor(['a', 'b', 'c'], 'gone', -1)).toBe('c');
    expect(moveCursor([], 'a', 1)).toBeNull();
  });

  it('counts an environment that repeats another Redis and namespace once (issue 21.2)', () => {
    const envs = [
      { id: 'e1', namespace: '' },
      { id: 'e2', namespace: '' },
      { id: 'e3', namespace: 'staging.' },
      { id: 'e4', namespace: '' },
      { id: 'e5', namespace: '' },
    ];
    // e1, e2 and e3 are one server; e3 has its own namespace; e4 is another server; e5 is unknown (cluster).
    const server: Record<string, string | null> = { e1: 'abc', e2: 'abc', e3: 'abc', e4: 'def', e5: null };
    const repeats = sameRedisAliases(envs, (id) => server[id]);
    expect(repeats).toEqual({ e2: 'e1' });
    expect(sameRedisAliases(envs, () => null)).toEqual({});

    const same = [alert('a', { severity: 'critical' }), alert('b')];
    let state = applyAlertList(initialAlertsState, { envId: 'e1', alerts: same, total: 2, readOnly: false });
    state = applyAlertList(state, { envId: 'e2', alerts: same.map((a) => ({ ...a, envId: 'e2' })), total: 2, readOnly: false });
    state = applyAlertList(state, { envId: 'e4', alerts: [alert('c', { envId: 'e4' })], total: 1, readOnly: false });
    expect(badgeCount(state)).toBe(5);
    expect(badgeCount(state, repeats)).toBe(3);
  });
});
