import { useMemo, useState } from 'react';
import { useStore } from 'zustand';
import type { AlertFilter } from '../../../../shared/model/alert-filter';
import type { EnvironmentView } from '../../../../shared/model/environment';
import type { SavedSearchView } from '../../../../shared/model/saved-searches';
import { useServices } from '../../services';
import { SavedSearchBar, type SavedRunResult } from './saved-search-bar';

const sameFilter = (a: AlertFilter, b: AlertFilter) => JSON.stringify({ ...a, severities: [...a.severities].sort() }) === JSON.stringify({ ...b, severities: [...b.severities].sort() });

/**
 * Saved alert searches of one environment on the Alerts screen (issue 20): applying one sets the
 * filters; once the list shows it, how many alerts it let through is recorded as its last count.
 * Changing a filter by hand leaves the saved search (nothing is recorded for it then).
 */
export function SavedAlertSearches({ env, filter, shownFilter, shownCount, onApply }: { env: EnvironmentView; filter: AlertFilter; shownFilter: AlertFilter; shownCount: number; onApply: (filter: AlertFilter) => void }) {
  const { stores } = useServices();
  const held = useStore(stores.alerts, (s) => s.byEnv[env.id]);
  const [applied, setApplied] = useState<{ search: SavedSearchView; token: object } | null>(null);
  const appliedFilter = applied?.search.query.kind === 'alerts' ? applied.search.query.filter : null;
  const isApplied = appliedFilter !== null && sameFilter(appliedFilter, filter);
  const isShown = isApplied && sameFilter(appliedFilter, shownFilter);
  const loaded = held ? Object.keys(held.byId).length : 0;
  const isLoaded = held?.isLoaded === true && !held.error;
  const token = applied?.token;
  const result = useMemo<SavedRunResult | null>(() => (isShown && isLoaded && token ? { count: shownCount, isComplete: loaded >= (held?.total ?? 0), key: token } : null), [isShown, isLoaded, token, shownCount, loaded, held?.total]);
  return (
    <SavedSearchBar
      env={env}
      kind="alerts"
      current={{ query: { kind: 'alerts', filter: { ...filter, severities: [...filter.severities] } } }}
      applied={isApplied && applied ? applied.search : null}
      // Without an applied search, the count shown is what a save records as its first run.
      result={result ?? (isLoaded && sameFilter(filter, shownFilter) ? { count: shownCount, isComplete: loaded >= (held?.total ?? 0), key: filter } : null)}
      onApply={(s) => {
        if (s.query.kind !== 'alerts') return;
        setApplied({ search: s, token: {} });
        onApply(s.query.filter);
      }}
      // The save recorded this very count (keyed by the filter): not again.
      onSaved={(s) => setApplied({ search: s, token: filter })}
    />
  );
}
