import { describe, expect, it } from 'vitest';
import { parseDuration, parseTime, scheduleFromFlags } from '../../electron/headless/commands/silences';

const NOW = Date.parse('2026-06-01T10:00:00Z');

describe('silences CLI flags', () => {
  it('reads durations and times', () => {
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('2 hours')).toBeNull();
    expect(parseDuration('0m')).toBeNull();
    expect(parseTime('now', NOW)).toBe(NOW);
    expect(parseTime('2026-06-01 12:00+02:00', NOW)).toBe(NOW);
    expect(parseTime('tomorrow', NOW)).toBeNull();
  });

  it('builds a once or weekly schedule, and refuses mixed flags', () => {
    expect(scheduleFromFlags({ duration: '2h' }, NOW)).toEqual({ kind: 'once', startsAt: NOW, endsAt: NOW + 7_200_000 });
    expect(scheduleFromFlags({ starts: '2026-06-01T12:00:00Z', ends: '2026-06-01T13:00:00Z' }, NOW)).toEqual({ kind: 'once', startsAt: NOW + 7_200_000, endsAt: NOW + 10_800_000 });
    expect(scheduleFromFlags({ every: 'sun 02:00-04:00', tz: 'Europe/Berlin' }, NOW)).toEqual({ kind: 'weekly', days: ['sun'], start: '02:00', end: '04:00', timeZone: 'Europe/Berlin' });
    expect(() => scheduleFromFlags({ ends: 'now', duration: '2h' }, NOW)).toThrow(/--ends or --duration/);
    expect(() => scheduleFromFlags({ every: 'sun 02:00-04:00', duration: '2h' }, NOW)).toThrow(/--duration is for a one-off/);
    expect(() => scheduleFromFlags({ tz: 'Europe/Berlin', duration: '2h' }, NOW)).toThrow(/--tz goes with --every/);
    expect(() => scheduleFromFlags({}, NOW)).toThrow(/needs --ends/);
  });
});
