import { describe, expect, it } from 'vitest';
import {
  activeWindow,
  alertTarget,
  nextWindow,
  parseMatcher,
  parseWeeklyWindow,
  Silence,
  silenceFor,
  silenceMatches,
  silenceStatus,
  zonedTimeToUtc,
  type SilenceSchedule,
} from '../../shared/model/silences';

const utc = (iso: string) => Date.parse(iso);
const HOUR = 3_600_000;

function silence(schedule: SilenceSchedule, extra: Partial<Silence> = {}): Silence {
  return Silence.parse({ id: 's1', matchers: [{ field: 'severity', op: 'equals', value: 'critical' }], schedule, createdBy: 'Ana (ana)', reason: 'maintenance', createdAt: utc('2026-01-01T00:00:00Z'), ...extra });
}

const berlinSunday = (extra: Partial<Extract<SilenceSchedule, { kind: 'weekly' }>> = {}): SilenceSchedule => ({ kind: 'weekly', days: ['sun'], start: '02:00', end: '04:00', timeZone: 'Europe/Berlin', ...extra });

describe('silenceMatches', () => {
  const alert = alertTarget({ severity: 'critical', source: 'kong_monitor', assetId: 'db-7', organizationId: 'org-1', ruleId: 'r1', metadata: { event_type: 'config_change' } });

  it('equals, in and regex on each field; every matcher must hold', () => {
    expect(silenceMatches({ matchers: [{ field: 'severity', op: 'equals', value: 'critical' }] }, alert)).toBe(true);
    expect(silenceMatches({ matchers: [{ field: 'severity', op: 'equals', value: 'high' }] }, alert)).toBe(false);
    expect(silenceMatches({ matchers: [{ field: 'source', op: 'in', value: ['a', 'kong_monitor'] }] }, alert)).toBe(true);
    expect(silenceMatches({ matchers: [{ field: 'asset', op: 'regex', value: '^db-\\d+$' }] }, alert)).toBe(true);
    expect(silenceMatches({ matchers: [{ field: 'organization', op: 'equals', value: 'org-1' }, { field: 'type', op: 'equals', value: 'config_change' }] }, alert)).toBe(true);
    expect(silenceMatches({ matchers: [{ field: 'organization', op: 'equals', value: 'org-1' }, { field: 'type', op: 'equals', value: 'login' }] }, alert)).toBe(false);
  });

  it('a field the alert lacks matches nothing; the type falls back to the rule id', () => {
    const bare = alertTarget({ severity: 'high', ruleId: 'rule-9' });
    expect(silenceMatches({ matchers: [{ field: 'asset', op: 'regex', value: '.*' }] }, bare)).toBe(false);
    expect(silenceMatches({ matchers: [{ field: 'type', op: 'equals', value: 'rule-9' }] }, bare)).toBe(true);
  });

  it('refuses an invalid regex, a bad zone and an end before the start', () => {
    expect(Silence.safeParse({ ...silence(berlinSunday()), matchers: [{ field: 'asset', op: 'regex', value: '(' }] }).success).toBe(false);
    expect(Silence.safeParse({ ...silence(berlinSunday()), schedule: berlinSunday({ timeZone: 'Mars/Olympus' }) }).success).toBe(false);
    expect(Silence.safeParse({ ...silence(berlinSunday()), schedule: { kind: 'once', startsAt: 10, endsAt: 5 } }).success).toBe(false);
  });
});

describe('activeWindow: once', () => {
  const s = silence({ kind: 'once', startsAt: 1000, endsAt: 2000 });
  it('start inclusive, end exclusive', () => {
    expect(activeWindow(s, 999)).toBeNull();
    expect(activeWindow(s, 1000)).toEqual({ start: 1000, end: 2000 });
    expect(activeWindow(s, 1999)).toEqual({ start: 1000, end: 2000 });
    expect(activeWindow(s, 2000)).toBeNull();
  });
  it('expiring ends it then and for good', () => {
    const expired = { ...s, expiredAt: 1500 };
    expect(activeWindow(expired, 1200)).toEqual({ start: 1000, end: 1500 });
    expect(activeWindow(expired, 1500)).toBeNull();
    expect(nextWindow(expired, 1600)).toBeNull();
    expect(silenceStatus(expired, 1600)).toBe('expired');
    expect(silenceStatus(s, 2500)).toBe('ended');
    expect(silenceStatus(s, 500)).toBe('scheduled');
  });
});

describe('activeWindow: weekly in a time zone', () => {
  it('Sundays 02:00-04:00 Europe/Berlin in winter is 01:00-03:00 UTC', () => {
    const s = silence(berlinSunday());
    // 2026-01-04 is a Sunday.
    expect(activeWindow(s, utc('2026-01-04T00:59:59Z'))).toBeNull();
    expect(activeWindow(s, utc('2026-01-04T01:00:00Z'))).toEqual({ start: utc('2026-01-04T01:00:00Z'), end: utc('2026-01-04T03:00:00Z') });
    expect(activeWindow(s, utc('2026-01-04T03:00:00Z'))).toBeNull();
    expect(activeWindow(s, utc('2026-01-05T01:30:00Z'))).toBeNull(); // a Monday
    expect(nextWindow(s, utc('2026-01-05T01:30:00Z'))).toEqual({ start: utc('2026-01-11T01:00:00Z'), end: utc('2026-01-11T03:00:00Z') });
  });

  it('in summer the same window is 00:00-02:00 UTC', () => {
    const s = silence(berlinSunday());
    expect(activeWindow(s, utc('2026-07-05T00:00:00Z'))).toEqual({ start: utc('2026-07-05T00:00:00Z'), end: utc('2026-07-05T02:00:00Z') });
  });

  it('spring forward (2026-03-29, 02:00 -> 03:00 in Berlin): 02:00-04:00 lasts one hour, from 01:00 UTC', () => {
    const s = silence(berlinSunday());
    const w = activeWindow(s, utc('2026-03-29T01:30:00Z'));
    expect(w).toEqual({ start: utc('2026-03-29T01:00:00Z'), end: utc('2026-03-29T02:00:00Z') });
    expect(w!.end - w!.start).toBe(HOUR);
    expect(activeWindow(s, utc('2026-03-29T00:59:00Z'))).toBeNull();
    // A start that never shows on the clock is read with the winter offset: 02:30 -> 03:30 summer time.
    expect(zonedTimeToUtc(2026, 3, 29, 2, 30, 'Europe/Berlin')).toBe(utc('2026-03-29T01:30:00Z'));
  });

  it('fall back (2026-10-25, 03:00 -> 02:00 in Berlin): 02:00-04:00 lasts three hours, from the first 02:00', () => {
    const s = silence(berlinSunday());
    const w = activeWindow(s, utc('2026-10-25T02:30:00Z'));
    expect(w).toEqual({ start: utc('2026-10-25T00:00:00Z'), end: utc('2026-10-25T03:00:00Z') });
    expect(w!.end - w!.start).toBe(3 * HOUR);
    expect(zonedTimeToUtc(2026, 10, 25, 2, 30, 'Europe/Berlin')).toBe(utc('2026-10-25T00:30:00Z'));
  });

  it('US zone DST (America/New_York, 2026-03-08): a Sunday 01:00-03:00 window lasts one hour', () => {
    const s = silence({ kind: 'weekly', days: ['sun'], start: '01:00', end: '03:00', timeZone: 'America/New_York' });
    expect(activeWindow(s, utc('2026-03-08T06:30:00Z'))).toEqual({ start: utc('2026-03-08T06:00:00Z'), end: utc('2026-03-08T07:00:00Z') });
  });

  it('an overnight window (sat 23:00-01:00) is active after midnight on Sunday', () => {
    const s = silence(berlinSunday({ days: ['sat'], start: '23:00', end: '01:00' }));
    // Saturday 2026-01-03 23:00 Berlin = 22:00 UTC; Sunday 01:00 Berlin = 00:00 UTC.
    expect(activeWindow(s, utc('2026-01-03T23:30:00Z'))).toEqual({ start: utc('2026-01-03T22:00:00Z'), end: utc('2026-01-04T00:00:00Z') });
    expect(activeWindow(s, utc('2026-01-04T00:00:00Z'))).toBeNull();
  });

  it('bounded by startsAt/endsAt and by the expiry', () => {
    const bounded = silence(berlinSunday({ startsAt: utc('2026-01-04T02:00:00Z'), endsAt: utc('2026-01-11T02:00:00Z') }));
    expect(activeWindow(bounded, utc('2026-01-04T01:30:00Z'))).toBeNull();
    expect(activeWindow(bounded, utc('2026-01-04T02:30:00Z'))).toEqual({ start: utc('2026-01-04T02:00:00Z'), end: utc('2026-01-04T03:00:00Z') });
    expect(activeWindow(bounded, utc('2026-01-11T02:30:00Z'))).toBeNull();
    expect(silenceStatus(bounded, utc('2026-01-12T00:00:00Z'))).toBe('ended');
    const expired = silence(berlinSunday(), { expiredAt: utc('2026-01-04T01:30:00Z') });
    expect(activeWindow(expired, utc('2026-01-04T01:20:00Z'))).toEqual({ start: utc('2026-01-04T01:00:00Z'), end: utc('2026-01-04T01:30:00Z') });
    expect(activeWindow(expired, utc('2026-01-11T01:30:00Z'))).toBeNull();
  });
});

describe('silenceFor and parsing', () => {
  it('picks the matching active silence that ends last', () => {
    const short = silence({ kind: 'once', startsAt: 0, endsAt: 100 }, { id: 'short' });
    const long = silence({ kind: 'once', startsAt: 0, endsAt: 500 }, { id: 'long' });
    const other = silence({ kind: 'once', startsAt: 0, endsAt: 900 }, { id: 'other', matchers: [{ field: 'severity', op: 'equals', value: 'low' }] });
    expect(silenceFor([short, long, other], { severity: 'critical' }, 50)?.silence.id).toBe('long');
    expect(silenceFor([short, long, other], { severity: 'critical' }, 600)).toBeNull();
  });

  it('parses the CLI forms', () => {
    expect(parseWeeklyWindow('sun 02:00-04:00')).toEqual({ days: ['sun'], start: '02:00', end: '04:00' });
    expect(parseWeeklyWindow('Sat,Sun 23:00 - 01:00')).toEqual({ days: ['sat', 'sun'], start: '23:00', end: '01:00' });
    expect(parseWeeklyWindow('someday 02:00-04:00')).toBeNull();
    expect(parseWeeklyWindow('sun 25:00-04:00')).toBeNull();
    expect(parseMatcher('severity=critical')).toEqual({ field: 'severity', op: 'equals', value: 'critical' });
    expect(parseMatcher('source=a|b')).toEqual({ field: 'source', op: 'in', value: ['a', 'b'] });
    expect(parseMatcher('asset~^db-')).toEqual({ field: 'asset', op: 'regex', value: '^db-' });
    expect(parseMatcher('organisation=org-1')).toEqual({ field: 'organization', op: 'equals', value: 'org-1' });
    expect(parseMatcher('colour=red')).toBeNull();
  });
});
