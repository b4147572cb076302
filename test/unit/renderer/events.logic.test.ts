import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../../shared/contract/method-groups/events';
import { eventMethods } from '../../../shared/contract/method-groups/events';
import { describeEventsError, emptyFilter, filterParams, HOUR_MS, hourlyBars, hourLabel, mergePages, paramsKey, rangeOf, searchParams, toggleSeverity } from '../../../renderer/src/features/events/events.logic';

const NOW = Date.UTC(2026, 11, 7, 9, 30, 0);

function event(id: string, ts: number): StoredEvent {
  return { id, ts, organizationId: 'org', assetId: 'asset-a', eventType: 'k8s_privileged_pod', severity: 'high', source: 'k8s_monitor', title: 't', correlationId: `c-${id}`, streamEntryId: null };
}

describe('the Events view logic', () => {
  it('turns a range into since (inclusive) and until (exclusive, just after now)', () => {
    expect(rangeOf('24h', NOW)).toEqual({ since: NOW - 24 * HOUR_MS, until: NOW + 1 });
    expect(rangeOf('7d', NOW)).toEqual({ since: NOW - 7 * 24 * HOUR_MS, until: NOW + 1 });
    expect(rangeOf('30d', NOW)).toEqual({ since: NOW - 30 * 24 * HOUR_MS, until: NOW + 1 });
  });

  it('leaves blank text and "every severity" out of the params, trims, orders severities, and the contract accepts them', () => {
    const range = rangeOf('24h', NOW);
    expect(filterParams('prod', range, emptyFilter)).toEqual({ envId: 'prod', ...range });
    const filter = { asset: '  asset-b ', type: ' ', severities: ['low', 'critical'] as const };
    const params = filterParams('prod', range, { ...filter, severities: [...filter.severities] });
    expect(params).toEqual({ envId: 'prod', ...range, asset: 'asset-b', severity: ['critical', 'low'] });
    // All five on is the same as none: no severity clause.
    expect(filterParams('prod', range, { ...emptyFilter, severities: ['info', 'low', 'medium', 'high', 'critical'] })).toEqual({ envId: 'prod', ...range });
    expect(eventMethods['events.hourly'].params.safeParse(params).success).toBe(true);
    const cursor = { ts: NOW - 5, id: 'e9' };
    const search = searchParams(params, cursor);
    expect(search).toEqual({ ...params, limit: 100, before: cursor });
    expect(searchParams(params, null)).not.toHaveProperty('before');
    expect(eventMethods['events.search'].params.safeParse(search).success).toBe(true);
  });

  it('keys params by their content, so an equal filter does not ask again', () => {
    const range = rangeOf('24h', NOW);
    const a = filterParams('prod', range, { asset: 'x', type: '', severities: ['high'] });
    const b = filterParams('prod', { ...range }, { asset: ' x', type: '', severities: ['high'] });
    expect(paramsKey(a)).toBe(paramsKey(b));
    expect(paramsKey(a)).not.toBe(paramsKey({ ...a, severity: ['critical'] }));
    expect(paramsKey(a)).not.toBe(paramsKey({ ...a, until: a.until + 1 }));
  });

  it('toggles a severity on and off', () => {
    const on = toggleSeverity(emptyFilter, 'high');
    expect(on.severities).toEqual(['high']);
    expect(toggleSeverity(on, 'high').severities).toEqual([]);
    expect(emptyFilter.severities).toEqual([]);
  });

  it('merges pages newest first, each event once, even when pages overlap or arrive out of order', () => {
    const first = [event('e5', 500), event('e4', 400), event('e3b', 300), event('e3a', 300)];
    const older = [event('e3a', 300), event('e2', 200), event('e1', 100)];
    const merged = mergePages(first, older);
    expect(merged.map((e) => e.id)).toEqual(['e5', 'e4', 'e3b', 'e3a', 'e2', 'e1']);
    expect(mergePages(merged, older).map((e) => e.id)).toEqual(merged.map((e) => e.id));
    expect(mergePages([], [event('b', 1), event('a', 2), event('a', 2)]).map((e) => e.id)).toEqual(['a', 'b']);
    expect(first.map((e) => e.id)).toEqual(['e5', 'e4', 'e3b', 'e3a']);
  });

  it('fills the hours without events with 0 across the range', () => {
    const range = rangeOf('24h', NOW);
    const startHour = Math.floor(range.since / HOUR_MS) * HOUR_MS;
    const bars = hourlyBars([{ hour: startHour + 2 * HOUR_MS, count: 7 }, { hour: startHour + 24 * HOUR_MS, count: 3 }], range);
    expect(bars).toHaveLength(25); // 08:30 yesterday to 09:30 today touches 25 hours
    expect(bars[0]).toEqual({ hour: startHour, count: 0 });
    expect(bars[2]).toEqual({ hour: startHour + 2 * HOUR_MS, count: 7 });
    expect(bars[24]).toEqual({ hour: startHour + 24 * HOUR_MS, count: 3 });
    expect(bars.reduce((sum, b) => sum + b.count, 0)).toBe(10);
    expect(hourlyBars([], rangeOf('30d', NOW))).toHaveLength(721);
  });

  it('labels hours by clock for a day and with the date for longer', () => {
    const hour = new Date(2026, 11, 7, 9).getTime();
    expect(hourLabel(hour, 24 * HOUR_MS + 1)).toBe('09:00');
    expect(hourLabel(hour, 7 * 24 * HOUR_MS)).toBe('12-07 09:00');
  });

  it('says each error in words with what to do', () => {
    const none = describeEventsError('UNSUPPORTED', 'no database configured: add a PostgreSQL URL …');
    expect(none.kind).toBe('no-database');
    expect(none.advice).toMatch(/Environments → Edit → Database/);
    const table = describeEventsError('NOT_FOUND', 'no events stored yet: this database has no events table');
    expect(table.kind).toBe('no-table');
    expect(table.advice).toMatch(/Workers view/);
    const down = describeEventsError('BROKER_UNAVAILABLE', 'PostgreSQL: connection refused (127.0.0.1:5999).');
    expect(down).toMatchObject({ kind: 'database-down' });
    expect(down.advice).toContain('PostgreSQL: connection refused (127.0.0.1:5999). The view');
    expect(describeEventsError('VALIDATION', 'until must be after since')).toMatchObject({ kind: 'bad-range', advice: 'until must be after since' });
    expect(describeEventsError('INTERNAL', 'boom')).toMatchObject({ kind: 'other', advice: 'boom' });
  });
});
