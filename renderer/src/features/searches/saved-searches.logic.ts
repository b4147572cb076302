import { SAVED_SEARCH_NAME_MAX, findSavedSearch, type SavedSearchView } from '../../../../shared/model/saved-searches';

/** What the name field says before anything is sent: empty, too long, or taken (and whether overwriting is on). */
export function checkSaveName(name: string, searches: readonly SavedSearchView[], overwrite: boolean): { ok: true; taken: SavedSearchView | null } | { ok: false; message: string; taken: SavedSearchView | null } {
  const trimmed = name.trim();
  if (!trimmed) return { ok: false, message: 'Give the search a name.', taken: null };
  if (trimmed.length > SAVED_SEARCH_NAME_MAX) return { ok: false, message: `At most ${SAVED_SEARCH_NAME_MAX} characters (${trimmed.length} now).`, taken: null };
  const taken = findSavedSearch(searches, trimmed) ?? null;
  if (taken && !overwrite) return { ok: false, message: `“${taken.name}” is already saved (by ${taken.updatedBy}): choose another name or tick “replace it”.`, taken };
  return { ok: true, taken };
}

/** "12 last time · 5 min ago by Ana", "1,000+ …" when the run stopped early, "not run yet". */
export function lastRunLabel(search: Pick<SavedSearchView, 'lastRun'>, now: number, formatAge: (ms: number) => string, formatCount: (n: number) => string): string {
  const run = search.lastRun;
  if (!run) return 'not run yet';
  const age = now - run.at < 60_000 ? 'just now' : `${formatAge(now - run.at)} ago`;
  return `${formatCount(run.count)}${run.isComplete ? '' : '+'} last time · ${age} by ${run.by}`;
}
