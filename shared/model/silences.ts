import { z } from 'zod';

/**
 * Silences and maintenance windows (issue 20). A silence names the alerts it covers with matchers
 * (all must hold) and when it is in effect: once (`startsAt`..`endsAt`) or every week on some days
 * at a wall-clock time in an IANA time zone ("sun 02:00-04:00" Europe/Berlin). Matching alerts are
 * still recorded, marked with the silence's id, but neither notify nor escalate while a window is
 * active. A silence is never edited: it is created and, at most, expired; an expired one never
 * applies again.
 *
 * Wall-clock windows follow the zone's daylight-saving rules (computed with Intl.DateTimeFormat in
 * the zone): a time inside a spring-forward gap is read with the offset before the gap (02:30 that
 * never shows = 03:30 summer time; "02:00-04:00" that day lasts one hour); a time the clock shows
 * twice at fall-back is taken at its first occurrence (that day "02:00-04:00" lasts three hours).
 */

export const SILENCE_FIELDS = ['severity', 'source', 'asset', 'organization', 'type'] as const;
export const SilenceField = z.enum(SILENCE_FIELDS);
export type SilenceField = z.infer<typeof SilenceField>;

function isValidRegex(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

export const SilenceMatcher = z.discriminatedUnion('op', [
  z.object({ field: SilenceField, op: z.literal('equals'), value: z.string().min(1).max(500) }).strict(),
  z.object({ field: SilenceField, op: z.literal('regex'), value: z.string().min(1).max(500).refine(isValidRegex, 'not a valid regular expression') }).strict(),
  z.object({ field: SilenceField, op: z.literal('in'), value: z.array(z.string().min(1).max(500)).min(1).max(100) }).strict(),
]);
export type SilenceMatcher = z.infer<typeof SilenceMatcher>;

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export const Weekday = z.enum(WEEKDAYS);
export type Weekday = z.infer<typeof Weekday>;

const ClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM (24 h)');

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const SilenceSchedule = z.discriminatedUnion('kind', [
  z
    .object({ kind: z.literal('once'), startsAt: z.number().int(), endsAt: z.number().int() })
    .strict()
    .refine((s) => s.endsAt > s.startsAt, 'a silence must end after it starts'),
  z
    .object({
      kind: z.literal('weekly'),
      days: z.array(Weekday).min(1).max(7),
      /** Wall-clock start and end in `timeZone`; an end at or before the start ends the next day. */
      start: ClockTime,
      end: ClockTime,
      timeZone: z.string().min(1).max(100).refine(isTimeZone, 'not an IANA time zone'),
      /** Windows before this instant do not count (the creation time by default). */
      startsAt: z.number().int().optional(),
      /** No window after this instant (none: every week until expired). */
      endsAt: z.number().int().optional(),
    })
    .strict(),
]);
export type SilenceSchedule = z.infer<typeof SilenceSchedule>;

export const Silence = z.object({
  id: z.string().min(1).max(100),
  matchers: z.array(SilenceMatcher).min(1).max(20),
  schedule: SilenceSchedule,
  createdBy: z.string(),
  reason: z.string().min(1).max(4000),
  createdAt: z.number().int(),
  /** When it was expired by hand (it never applies again), and by whom. */
  expiredAt: z.number().int().optional(),
  expiredBy: z.string().optional(),
});
export type Silence = z.infer<typeof Silence>;

/** What a silence is matched against: an alert's (or a routed event's) fields. */
export interface SilenceTarget {
  severity: string;
  source?: string;
  assetId?: string;
  organizationId?: string;
  /** The alert type: the event type that raised it, else its rule id. */
  type?: string;
}

/** The matcher fields of an alert state. */
export function alertTarget(alert: { severity: string; source?: string; assetId?: string; organizationId?: string; ruleId?: string; metadata?: Record<string, unknown> }): SilenceTarget {
  const eventType = alert.metadata?.event_type;
  return {
    severity: alert.severity,
    source: alert.source,
    assetId: alert.assetId,
    organizationId: alert.organizationId,
    type: typeof eventType === 'string' ? eventType : alert.ruleId,
  };
}

function fieldValue(target: SilenceTarget, field: SilenceField): string | undefined {
  switch (field) {
    case 'severity':
      return target.severity;
    case 'source':
      return target.source;
    case 'asset':
      return target.assetId;
    case 'organization':
      return target.organizationId;
    case 'type':
      return target.type;
  }
}

/** True when every matcher holds; a field the target lacks matches nothing. Regexes match anywhere unless anchored. */
export function silenceMatches(silence: Pick<Silence, 'matchers'>, target: SilenceTarget): boolean {
  return silence.matchers.every((m) => {
    const value = fieldValue(target, m.field);
    if (value === undefined) return false;
    if (m.op === 'equals') return value === m.value;
    if (m.op === 'in') return m.value.includes(value);
    return new RegExp(m.value).test(value);
  });
}

export interface SilenceWindow {
  start: number;
  end: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, f);
  }
  return f;
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall clock of `timeZone` at instant `at`. */
export function wallClockAt(at: number, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(at))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour! % 24, minute: parts.minute!, second: parts.second! };
}

/** The zone's offset from UTC at instant `at`, ms (Berlin in summer: +7,200,000). */
function offsetAt(at: number, timeZone: string): number {
  const w = wallClockAt(at, timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(at / 1000) * 1000;
}

/**
 * The instant the zone's clock shows `year-month-day hour:minute`. In a spring-forward gap: the
 * instant the clock jumps past it would have been (the time read with the offset before the gap);
 * a fall-back time that happens twice: its first occurrence.
 */
export function zonedTimeToUtc(year: number, month: number, day: number, hour: number, minute: number, timeZone: string): number {
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  // The offsets a day either side bracket any transition near this time.
  const before = offsetAt(asUtc - 86_400_000, timeZone);
  const after = offsetAt(asUtc + 86_400_000, timeZone);
  const candidates = [...new Set([before, after])].map((offset) => asUtc - offset).sort((a, b) => a - b);
  for (const at of candidates) {
    const w = wallClockAt(at, timeZone);
    if (w.year === year && w.month === month && w.day === day && w.hour === hour && w.minute === minute) return at;
  }
  // The time does not exist (a gap): read it with the offset in force before the gap.
  return asUtc - before;
}

/** The civil date `days` after year-month-day. */
function addDays(year: number, month: number, day: number, days: number): { year: number; month: number; day: number; weekday: number } {
  const d = new Date(Date.UTC(year, month - 1, day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), weekday: d.getUTCDay() };
}

const clock = (hhmm: string) => hhmm.split(':').map(Number) as [number, number];

/** The weekly windows whose start falls on the local dates from `fromDay` to `toDay` days after `at`'s local date. */
function weeklyWindows(schedule: Extract<SilenceSchedule, { kind: 'weekly' }>, at: number, fromDay: number, toDay: number): SilenceWindow[] {
  const today = wallClockAt(at, schedule.timeZone);
  const [sh, sm] = clock(schedule.start);
  const [eh, em] = clock(schedule.end);
  const isOvernight = eh * 60 + em <= sh * 60 + sm;
  const out: SilenceWindow[] = [];
  for (let k = fromDay; k <= toDay; k++) {
    const date = addDays(today.year, today.month, today.day, k);
    if (!schedule.days.includes(WEEKDAYS[date.weekday]!)) continue;
    const endDate = isOvernight ? addDays(date.year, date.month, date.day, 1) : date;
    const start = zonedTimeToUtc(date.year, date.month, date.day, sh, sm, schedule.timeZone);
    const end = zonedTimeToUtc(endDate.year, endDate.month, endDate.day, eh, em, schedule.timeZone);
    if (end > start) out.push({ start, end });
  }
  return out;
}

/** A window clipped to the silence's bounds and its expiry; null when nothing is left. */
function clip(silence: Pick<Silence, 'schedule' | 'expiredAt' | 'createdAt'>, w: SilenceWindow): SilenceWindow | null {
  let { start, end } = w;
  if (silence.schedule.kind === 'weekly') {
    start = Math.max(start, silence.schedule.startsAt ?? silence.createdAt);
    if (silence.schedule.endsAt !== undefined) end = Math.min(end, silence.schedule.endsAt);
  }
  if (silence.expiredAt !== undefined) end = Math.min(end, silence.expiredAt);
  return end > start ? { start, end } : null;
}

/** The window in effect at `now` (start <= now < end), or null: not in a window, or expired. */
export function activeWindow(silence: Pick<Silence, 'schedule' | 'expiredAt' | 'createdAt'>, now: number): SilenceWindow | null {
  if (silence.expiredAt !== undefined && silence.expiredAt <= now) return null;
  const raw = silence.schedule.kind === 'once' ? [{ start: silence.schedule.startsAt, end: silence.schedule.endsAt }] : weeklyWindows(silence.schedule, now, -1, 0);
  for (const w of raw) {
    const clipped = clip(silence, w);
    if (clipped && clipped.start <= now && now < clipped.end) return clipped;
  }
  return null;
}

/** The window in effect at `now` or the next one to begin, or null when none remains. */
export function nextWindow(silence: Pick<Silence, 'schedule' | 'expiredAt' | 'createdAt'>, now: number): SilenceWindow | null {
  const active = activeWindow(silence, now);
  if (active) return active;
  if (silence.expiredAt !== undefined && silence.expiredAt <= now) return null;
  const raw = silence.schedule.kind === 'once' ? [{ start: silence.schedule.startsAt, end: silence.schedule.endsAt }] : weeklyWindows(silence.schedule, now, 0, 8);
  for (const w of raw) {
    const clipped = clip(silence, w);
    if (clipped && clipped.start > now) return clipped;
  }
  return null;
}

export type SilenceStatus = 'active' | 'scheduled' | 'ended' | 'expired';

/** In words for lists: in a window now, waiting for one, past its last, or expired by hand. */
export function silenceStatus(silence: Silence, now: number): SilenceStatus {
  if (silence.expiredAt !== undefined && silence.expiredAt <= now) return 'expired';
  if (activeWindow(silence, now)) return 'active';
  return nextWindow(silence, now) ? 'scheduled' : 'ended';
}

/** The active silence that covers `target` at `now` with the latest window end, or null. */
export function silenceFor(silences: readonly Silence[], target: SilenceTarget, now: number): { silence: Silence; window: SilenceWindow } | null {
  let best: { silence: Silence; window: SilenceWindow } | null = null;
  for (const silence of silences) {
    if (!silenceMatches(silence, target)) continue;
    const window = activeWindow(silence, now);
    if (window && (!best || window.end > best.window.end)) best = { silence, window };
  }
  return best;
}

/** Parses "sun 02:00-04:00" or "sat,sun 23:00-01:00" (days as three letters, comma-separated). */
export function parseWeeklyWindow(text: string): { days: Weekday[]; start: string; end: string } | null {
  const m = /^\s*([a-z,]+)\s+(\d\d:\d\d)\s*-\s*(\d\d:\d\d)\s*$/i.exec(text);
  if (!m) return null;
  const days = m[1]!.toLowerCase().split(',').filter(Boolean);
  if (!days.length || !days.every((d) => (WEEKDAYS as readonly string[]).includes(d))) return null;
  if (!ClockTime.safeParse(m[2]).success || !ClockTime.safeParse(m[3]).success) return null;
  return { days: [...new Set(days)] as Weekday[], start: m[2]!, end: m[3]! };
}

/** Parses `severity=critical`, `asset~^db-` (regex) or `source=a|b` (in). */
export function parseMatcher(text: string): SilenceMatcher | null {
  const m = /^([a-z]+)\s*(=~|~|=)\s*(.+)$/.exec(text.trim());
  if (!m) return null;
  const field = SilenceField.safeParse(m[1] === 'organisation' ? 'organization' : m[1]);
  if (!field.success) return null;
  const value = m[3]!.trim();
  const parsed = SilenceMatcher.safeParse(
    m[2] === '=' ? (value.includes('|') ? { field: field.data, op: 'in', value: value.split('|').map((v) => v.trim()).filter(Boolean) } : { field: field.data, op: 'equals', value }) : { field: field.data, op: 'regex', value },
  );
  return parsed.success ? parsed.data : null;
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `2h`, `90m`, `1h30m`, `1d` -> ms; null when it is not a duration. */
export function parseDuration(text: string): number | null {
  const compact = text.trim().replace(/\s+/g, '');
  const parts = [...compact.matchAll(/(\d+)([smhdw])/g)];
  if (!parts.length || parts.map((p) => p[0]).join('') !== compact) return null;
  const ms = parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_MS[p[2]!]!, 0);
  return ms > 0 ? ms : null;
}

/** A matcher in the words the CLI takes it in. */
export function describeMatcher(m: SilenceMatcher): string {
  return m.op === 'equals' ? `${m.field}=${m.value}` : m.op === 'in' ? `${m.field}=${m.value.join('|')}` : `${m.field}~${m.value}`;
}

/** Redis key names of the environment's silences. */
export function silenceKeys(namespace: string) {
  const base = `${namespace}watchfloor:`;
  return {
    /** Hash: silence id -> JSON. Expired silences stay, so an id is never reused. */
    silences: `${base}silences`,
    /** Set of the alert ids a silence marked, so expiring it resumes them at once. */
    marked: (id: string) => `${base}silence:${id}:alerts`,
    /** Hash: silence id -> how many alerts and priority notifications it silenced. */
    matched: `${base}silences:matched`,
  };
}
