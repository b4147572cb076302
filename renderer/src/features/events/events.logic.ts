import type { EventCursor, StoredEvent } from '../../../../shared/contract/method-groups/events';

/** The Events view's pure parts (issue 17): range, filter → params, paging, error words. */

export const HOUR_MS = 3_600_000;

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const RANGES = [
  { key: '24h', label: 'Last 24 h', words: 'in the last 24 hours', ms: 24 * HOUR_MS },
  { key: '7d', label: '7 d', words: 'in the last 7 days', ms: 7 * 24 * HOUR_MS },
  { key: '30d', label: '30 d', words: 'in the last 30 days', ms: 30 * 24 * HOUR_MS },
] as const;
export type RangeKey = (typeof RANGES)[number]['key'];

/** The page size of the table. */
export const PAGE_SIZE = 100;

/**
 * A range ending now, as the contract's since (inclusive) and until (exclusive). `until` is one
 * millisecond after `now`, so an event stored at this very millisecond is in it.
 */
export function rangeOf(key: RangeKey, now: number): { since: number; until: number } {
  const range = RANGES.find((r) => r.key === key) ?? RANGES[0];
  return { since: now - range.ms, until: now + 1 };
}

export interface EventsFilter {
  asset: string;
  /** None selected means every severity. */
  severities: readonly Severity[];
  type: string;
}

export const emptyFilter: EventsFilter = { asset: '', severities: [], type: '' };

export interface FilterParams {
  envId: string;
  since: number;
  until: number;
  asset?: string;
  severity?: Severity[];
  type?: string;
}

/** The params of events.hourly (and, with limit and before, events.search): blank text and no severity left out, severities in their usual order. */
export function filterParams(envId: string, range: { since: number; until: number }, filter: EventsFilter): FilterParams {
  const asset = filter.asset.trim();
  const type = filter.type.trim();
  const severity = SEVERITIES.filter((s) => filter.severities.includes(s));
  return {
    envId,
    since: range.since,
    until: range.until,
    ...(asset ? { asset } : {}),
    ...(severity.length > 0 && severity.length < SEVERITIES.length ? { severity } : {}),
    ...(type ? { type } : {}),
  };
}

export function searchParams(params: FilterParams, before?: EventCursor | null): FilterParams & { limit: number; before?: EventCursor } {
  return { ...params, limit: PAGE_SIZE, ...(before ? { before } : {}) };
}

/** A string that changes exactly when the params do (for effects). */
export function paramsKey(params: FilterParams): string {
  return JSON.stringify([params.envId, params.since, params.until, params.asset ?? '', params.severity ?? [], params.type ?? '']);
}

/** Turns a severity on or off. */
export function toggleSeverity(filter: EventsFilter, severity: Severity): EventsFilter {
  const severities = filter.severities.includes(severity) ? filter.severities.filter((s) => s !== severity) : [...filter.severities, severity];
  return { ...filter, severities };
}

/** Newest first, as the host orders them: time, then id, both descending. */
function newerFirst(a: StoredEvent, b: StoredEvent): number {
  return b.ts - a.ts || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** The rows shown after another page arrives: each event once (a page that overlaps the last is harmless), newest first. */
export function mergePages(shown: readonly StoredEvent[], page: readonly StoredEvent[]): StoredEvent[] {
  const seen = new Set(shown.map((e) => e.id));
  const added = page.filter((e) => {
    if (seen.has(e.id)) return false;
    seen.add(e.id);
    return true;
  });
  if (added.length === 0) return [...shown];
  return [...shown, ...added].sort(newerFirst);
}

/**
 * One bar an hour over the whole range, hours without events at 0, so the chart's time axis is
 * even. The host gives only the hours that have events.
 */
export function hourlyBars(buckets: readonly { hour: number; count: number }[], range: { since: number; until: number }): { hour: number; count: number }[] {
  const counts = new Map(buckets.map((b) => [b.hour, b.count]));
  const bars: { hour: number; count: number }[] = [];
  for (let hour = Math.floor(range.since / HOUR_MS) * HOUR_MS; hour < range.until; hour += HOUR_MS) bars.push({ hour, count: counts.get(hour) ?? 0 });
  // A bucket outside the computed hours (it should not happen) is still shown.
  for (const b of buckets) if (!bars.some((bar) => bar.hour === b.hour)) bars.push(b);
  return bars.sort((a, b) => a.hour - b.hour);
}

export interface EventsProblem {
  kind: 'no-database' | 'no-table' | 'database-down' | 'bad-range' | 'other';
  title: string;
  /** What to do about it. */
  advice: string;
}

/** An error answer in words, with what to do. */
export function describeEventsError(code: string, message: string): EventsProblem {
  switch (code) {
    case 'UNSUPPORTED':
      return {
        kind: 'no-database',
        title: 'No database configured for this environment.',
        advice: 'Stored events live in the environment’s PostgreSQL. Add its URL in Environments → Edit → Database (PostgreSQL URL), or with watchfloor env add --postgres postgres://user@host:5432/db.',
      };
    case 'NOT_FOUND':
      return {
        kind: 'no-table',
        title: 'No events stored yet: this database has no events table.',
        advice: 'Start the “Event store (PostgreSQL)” sink in the Workers view: it creates the table and stores what arrives on security.events.',
      };
    case 'BROKER_UNAVAILABLE':
      return { kind: 'database-down', title: 'The database is not answering.', advice: `${message.replace(/\.$/, '')}. The view shows the events again once PostgreSQL is back: press Refresh.` };
    case 'VALIDATION':
      return { kind: 'bad-range', title: 'This range or filter was refused.', advice: message };
    default:
      return { kind: 'other', title: 'Could not read the stored events.', advice: message };
  }
}

/** An hour's label on the chart's axis: the clock for a day's range, the date too for longer ones. */
export function hourLabel(hour: number, spanMs: number): string {
  const d = new Date(hour);
  const hh = `${String(d.getHours()).padStart(2, '0')}:00`;
  return spanMs <= 24 * HOUR_MS + 1 ? hh : `${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')} ${hh}`;
}
