import { z } from 'zod';
import { AlertFilterSchema } from './alert-filter';
import { DlqMatch } from './dlq-search';

/**
 * Saved and shared searches (issue 20): a dead-letter search or an alert filter kept under a name in
 * the environment's Redis, so every console and the CLI (`--saved NAME`) on that environment can run
 * it, with the count it found the last time anyone ran it. Names are unique per environment across
 * both kinds, compared without regard to case ("Kong" and "kong" are the same search).
 */

export const SAVED_SEARCH_NAME_MAX = 80;
/** At most this many saved searches per environment: the list stays one screen, the hash small. */
export const SAVED_SEARCHES_MAX = 200;

export const SavedSearchName = z
  .string()
  .trim()
  .min(1, 'a saved search needs a name')
  .max(SAVED_SEARCH_NAME_MAX, `a saved search name is at most ${SAVED_SEARCH_NAME_MAX} characters`)
  // eslint-disable-next-line no-control-regex
  .refine((name) => !/[\u0000-\u001f\u007f]/.test(name), 'a saved search name cannot hold control characters (tabs, line breaks)');

export const SavedSearchKind = z.enum(['dlq', 'alerts']);
export type SavedSearchKind = z.infer<typeof SavedSearchKind>;

/** What is searched: a DLQ search (on one DLQ stream, or on whichever is open when none is named) or an alert filter. */
export const SavedSearchQuery = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('dlq'),
      /** The DLQ stream it searches; none: the one open in the view (the CLI then needs --source). */
      source: z.string().min(1).max(1024).optional(),
      match: DlqMatch.refine((m) => Object.keys(m).length > 0, 'a saved DLQ search needs a field, text, error, origin or time range'),
    })
    .strict(),
  z.object({ kind: z.literal('alerts'), filter: AlertFilterSchema }).strict(),
]);
export type SavedSearchQuery = z.infer<typeof SavedSearchQuery>;

/** The last run of a saved search, by whoever ran it (a viewer too): not a change of the search. */
export const SavedSearchRun = z
  .object({
    count: z.number().int().min(0),
    at: z.number().int(),
    by: z.string().max(200),
    /** False when the run stopped early (cancelled, or the first 1,000 matches shown): the count is a floor. */
    isComplete: z.boolean(),
    /** The DLQ a search without a source ran on. */
    source: z.string().max(1024).optional(),
  })
  .strict();
export type SavedSearchRun = z.infer<typeof SavedSearchRun>;

export const SavedSearch = z
  .object({
    name: SavedSearchName,
    query: SavedSearchQuery,
    description: z.string().max(1000).optional(),
    createdBy: z.string(),
    createdAt: z.number().int(),
    /** The last save (the creation, or an overwrite): a run of an older version is not recorded. */
    updatedBy: z.string(),
    updatedAt: z.number().int(),
  })
  .strict();
export type SavedSearch = z.infer<typeof SavedSearch>;

/** A saved search as lists show it: its record and its last run. */
export const SavedSearchView = SavedSearch.extend({ lastRun: SavedSearchRun.nullable() });
export type SavedSearchView = z.infer<typeof SavedSearchView>;

/** The key a name is stored under: the trimmed name, lower-cased. */
export function savedSearchKey(name: string): string {
  return name.trim().toLowerCase();
}

/** The saved search called `name` (any case), or undefined. */
export function findSavedSearch<T extends { name: string }>(searches: readonly T[], name: string): T | undefined {
  const key = savedSearchKey(name);
  return searches.find((s) => savedSearchKey(s.name) === key);
}

/** "no saved search "x" in prod; saved: a, b" — for a name that is not there. */
export function missingSavedSearchText(name: string, envName: string, searches: readonly { name: string; query: { kind: SavedSearchKind } }[], kind?: SavedSearchKind): string {
  const names = searches.filter((s) => !kind || s.query.kind === kind).map((s) => `"${s.name}"`);
  const what = kind === 'dlq' ? 'DLQ search' : kind === 'alerts' ? 'alert search' : 'search';
  return `no saved ${what} "${name.trim()}" in ${envName}; ${names.length ? `saved: ${names.join(', ')}` : `none is saved there yet`}`;
}

/** The DLQ search in words: `event.severity=critical · text "kong" · error "timeout" · origin s · from … to …`. */
export function describeDlqMatch(match: DlqMatch): string {
  const iso = (ms: number) => new Date(ms).toISOString().replace('.000', '');
  return [
    match.field ? `${match.field.path}=${match.field.value}` : null,
    match.text ? `text "${match.text}"` : null,
    match.error ? `error "${match.error}"` : null,
    match.origin ? `origin ${match.origin}` : null,
    match.from !== undefined ? `from ${iso(match.from)}` : null,
    match.to !== undefined ? `to ${iso(match.to)}` : null,
  ]
    .filter(Boolean)
    .join(' · ');
}

/** The alert filter in words (only what differs from showing every unresolved alert). */
export function describeAlertFilter(filter: z.infer<typeof AlertFilterSchema>): string {
  return [
    `status ${filter.status}`,
    filter.severities.length ? `severity ${filter.severities.join('|')}` : null,
    filter.level !== null ? `level ${filter.level}` : null,
    filter.organization ? `organisation "${filter.organization}"` : null,
    filter.asset ? `asset "${filter.asset}"` : null,
    filter.source ? `source "${filter.source}"` : null,
    filter.text ? `text "${filter.text}"` : null,
    filter.showSnoozed ? 'snoozed too' : null,
  ]
    .filter(Boolean)
    .join(' · ');
}

/** Either kind in words, with the DLQ named when the search has one. */
export function describeSavedQuery(query: SavedSearchQuery): string {
  return query.kind === 'dlq' ? `${query.source ? `${query.source}: ` : ''}${describeDlqMatch(query.match)}` : describeAlertFilter(query.filter);
}

/** Redis key names of the environment's saved searches (beside its alerts and silences). */
export function savedSearchKeys(namespace: string) {
  const base = `${namespace}watchfloor:`;
  return {
    /** Hash: name key -> saved search JSON. */
    searches: `${base}searches`,
    /** Hash: name key -> last run JSON (kept apart so a run never rewrites the search). */
    runs: `${base}searches:runs`,
  };
}
