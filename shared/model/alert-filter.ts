import { z } from 'zod';
import type { AlertSummary } from './alerts';

/**
 * The Alerts screen's filter, shared so a saved alert search (issue 20) means the same thing in the
 * view and on the command line (`watchfloor alerts list --saved NAME`).
 */

/** Which alerts a list shows: `unresolved` is open + acknowledged. */
export const StatusFilter = z.enum(['unresolved', 'open', 'acknowledged', 'resolved', 'all']);
export type StatusFilter = z.infer<typeof StatusFilter>;

export const AlertFilterSchema = z
  .object({
    severities: z.array(z.string().min(1).max(40)).max(10),
    status: StatusFilter,
    level: z.union([z.literal(1), z.literal(2), z.literal(3)]).nullable(),
    organization: z.string().max(500),
    asset: z.string().max(500),
    source: z.string().max(500),
    text: z.string().max(1000),
    /** Snoozed alerts are hidden until their time unless this is on. */
    showSnoozed: z.boolean(),
  })
  .strict();

export interface AlertFilter {
  severities: readonly string[];
  status: StatusFilter;
  level: 1 | 2 | 3 | null;
  organization: string;
  asset: string;
  source: string;
  text: string;
  /** Snoozed alerts are hidden until their time unless this is on. */
  showSnoozed: boolean;
}

export const DEFAULT_ALERT_FILTER: AlertFilter = { severities: [], status: 'unresolved', level: null, organization: '', asset: '', source: '', text: '', showSnoozed: false };

const SEARCH_TEXT = new WeakMap<AlertSummary, string>();

/** What the search box matches an alert by, lower-cased once per alert version. */
function searchTextOf(a: AlertSummary): string {
  let text = SEARCH_TEXT.get(a);
  if (text === undefined) {
    text = `${a.id} ${a.title} ${a.message} ${a.assignee ?? ''} ${a.correlationId ?? ''}`.toLowerCase();
    SEARCH_TEXT.set(a, text);
  }
  return text;
}

/** The filter as a test of one alert (`now` decides which snoozes are still running). */
export function alertMatcher(filter: AlertFilter, now: number): (a: AlertSummary) => boolean {
  const text = filter.text.trim().toLowerCase();
  const org = filter.organization.trim().toLowerCase();
  const asset = filter.asset.trim().toLowerCase();
  const source = filter.source.trim().toLowerCase();
  const severities = filter.severities.length ? new Set(filter.severities) : null;
  return (a) => {
    if (filter.status === 'unresolved' ? a.status === 'resolved' : filter.status !== 'all' && a.status !== filter.status) return false;
    if (severities && !severities.has(a.severity)) return false;
    if (filter.level !== null && a.level !== filter.level) return false;
    if (!filter.showSnoozed && a.snoozedUntil !== undefined && a.snoozedUntil > now && a.status !== 'resolved') return false;
    if (org && !(a.organizationId ?? '').toLowerCase().includes(org)) return false;
    if (asset && !(a.assetId ?? '').toLowerCase().includes(asset)) return false;
    if (source && !(a.source ?? '').toLowerCase().includes(source)) return false;
    if (text && !searchTextOf(a).includes(text)) return false;
    return true;
  };
}
