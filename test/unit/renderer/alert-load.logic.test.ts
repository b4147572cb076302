import { describe, expect, it } from 'vitest';
import type { AlertSummary } from '../../../shared/model/alerts';
import { applyAlertChanges, applyAlertList, initialAlertsState } from '../../../renderer/src/stores/alerts.logic';
import { alertsCoverage, combineAlertPages, nextAlertOffset, type AlertListPage } from '../../../renderer/src/stores/alert-load.logic';

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
const page = (offset: number, n: number, total: number, patch: Partial<AlertListPage> = {}): AlertListPage => ({
  envId: 'e1',
  alerts: Array.from({ length: n }, (_, i) => alert(`a${offset + i}`)),
  total,
  offset,
  listed: n,
  unread: null,
  readOnly: false,
  ...patch,
});

describe('loading every alert of an environment (issue 19)', () => {
  it('asks for the next page until the index is covered, and stops at the cap', () => {
    expect(nextAlertOffset(page(0, 10, 25), 10)).toBe(10);
    expect(nextAlertOffset(page(10, 10, 25), 10)).toBe(20);
    expect(nextAlertOffset(page(20, 5, 25), 10)).toBeNull();
    // An exact multiple: the page that reaches the total ends it.
    expect(nextAlertOffset(page(10, 10, 20), 10)).toBeNull();
    // Listed but unread still counts as covered: the next page starts after them.
    expect(nextAlertOffset(page(0, 7, 25, { listed: 10 }), 10)).toBe(10);
    expect(nextAlertOffset(page(0, 10, 1_000), 10, 30)).toBe(10);
    expect(nextAlertOffset(page(20, 10, 1_000), 10, 30)).toBeNull();
  });

  it('combines pages: all alerts, unread counts added, reasons joined', () => {
    const combined = combineAlertPages([
      page(0, 10, 30),
      page(10, 8, 30, { listed: 10, unread: { count: 2, reason: 'Command timed out', retryable: true, sampleIds: ['x', 'y'] } }),
      page(20, 9, 30, { listed: 10, unread: { count: 1, reason: 'WRONGTYPE', retryable: false, sampleIds: ['z'] } }),
    ]);
    expect(combined.alerts).toHaveLength(27);
    expect(combined.unread).toEqual({ count: 3, reason: 'Command timed out; WRONGTYPE', retryable: false, sampleIds: ['x', 'y', 'z'] });
    expect(combined.total).toBe(30);
  });

  it('a partial load is said: loaded of total, the unread count and reason, retrying when it may pass', () => {
    const list = combineAlertPages([page(0, 64, 100, { listed: 100, unread: { count: 36, reason: 'Command timed out', retryable: true, sampleIds: ['q'] } })]);
    const state = applyAlertList(initialAlertsState, list);
    expect(alertsCoverage(state, ['e1'])).toEqual({ loaded: 64, total: 100, unread: 36, reasons: ['Command timed out'], isRetrying: true, notLoaded: 0 });
    // A complete load says nothing.
    expect(alertsCoverage(applyAlertList(state, combineAlertPages([page(0, 100, 100)])), ['e1'])).toBeNull();
  });

  it('a lasting failure is not retried on its own and names example ids; environments are named under All', () => {
    const state = applyAlertList(initialAlertsState, { ...page(0, 5, 6), unread: { count: 1, reason: 'WRONGTYPE', retryable: false, sampleIds: ['bad-1'] } });
    const other = applyAlertList(state, { ...page(0, 3, 3), envId: 'e2' });
    const c = alertsCoverage(other, ['e1', 'e2'], (id) => `Env ${id}`)!;
    expect(c).toMatchObject({ loaded: 8, total: 9, unread: 1, isRetrying: false });
    expect(c.reasons).toEqual(['Env e1: WRONGTYPE (e.g. bad-1)']);
  });

  it('past the cap, the older alerts left out are counted', () => {
    const state = applyAlertList(initialAlertsState, page(0, 30, 1_000));
    expect(alertsCoverage(state, ['e1'], undefined, 30)).toMatchObject({ loaded: 30, total: 1_000, unread: 0, notLoaded: 970 });
    // Below the cap, a count read a moment apart from the list is not a gap.
    expect(alertsCoverage(applyAlertList(initialAlertsState, page(0, 30, 31)), ['e1'])).toBeNull();
  });

  it('keeps what was pushed while the load ran, unless the list has it newer', () => {
    const loaded = applyAlertList(initialAlertsState, { envId: 'e1', alerts: [alert('a'), alert('b')], total: 2, readOnly: false });
    const before = loaded.byEnv.e1!.byId;
    // During the load: b acknowledged (version 2), c created.
    const pushed = applyAlertChanges(loaded, 'e1', [alert('b', { version: 2, status: 'acknowledged' }), alert('c')]);
    // The load read a and b before the push, and not c.
    const after = applyAlertList(pushed, { envId: 'e1', alerts: [alert('a'), alert('b')], total: 2, readOnly: false }, before);
    expect(after.byEnv.e1!.byId.b!.version).toBe(2);
    expect(after.byEnv.e1!.byId.c).toBeDefined();
    expect(after.byEnv.e1!.total).toBe(3);
    // A list with a newer version than the push wins.
    const newer = applyAlertList(pushed, { envId: 'e1', alerts: [alert('a'), alert('b', { version: 3 }), alert('c')], total: 3, readOnly: false }, before);
    expect(newer.byEnv.e1!.byId.b!.version).toBe(3);
    // Without `before` the list replaces what was held.
    expect(applyAlertList(pushed, { envId: 'e1', alerts: [alert('a')], total: 1, readOnly: false }).byEnv.e1!.byId.c).toBeUndefined();
  });
});
