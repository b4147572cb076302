import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { DlqMatch } from '../../../../shared/model/dlq-search';
import type { EnvironmentView } from '../../../../shared/model/environment';
import type { SavedSearchView } from '../../../../shared/model/saved-searches';
import type { SearchState } from '../dead-letters/dead-letters-tools';
import { SavedSearchBar, type SavedRunResult } from './saved-search-bar';

/** The most matches the Dead letters view keeps of a search: a run that reaches it counts "1,000+". */
const SHOWN_MATCHES = 1000;

/**
 * Saved searches on one DLQ of the Dead letters view (issue 20): the bar, applying a saved search
 * (its fields into the search inputs, then run; one of another DLQ opens that DLQ first), and the
 * finished run's count for the bar to record.
 */
export function useSavedDlqSearch({
  env,
  source,
  search,
  saved,
  onOpenSaved,
  onStart,
}: {
  env: EnvironmentView;
  source: string;
  search: { state: SearchState | null; start: (match: DlqMatch) => Promise<void> };
  /** A saved search to apply when this DLQ opens (chosen on another DLQ). */
  saved?: SavedSearchView | null;
  onOpenSaved?: (search: SavedSearchView) => void;
  onStart: () => void;
}): { barKey: number; initial: DlqMatch | undefined; forget: () => void; bar: ReactNode } {
  const [applied, setApplied] = useState<SavedSearchView | null>(null);
  const [barKey, setBarKey] = useState(0);
  const apply = (s: SavedSearchView) => {
    if (s.query.kind !== 'dlq') return;
    if (s.query.source && s.query.source !== source && onOpenSaved) return onOpenSaved(s);
    setApplied(s);
    setBarKey((k) => k + 1);
    onStart();
    void search.start(s.query.match);
  };
  const applyOnOpen = useRef(apply);
  applyOnOpen.current = apply;
  useEffect(() => {
    if (saved) applyOnOpen.current(saved);
  }, [saved]);

  const state = search.state;
  // A finished run (not cancelled, no error) of the search shown: what a save or the applied search records.
  const result = useMemo<SavedRunResult | null>(
    () => (state && !state.isRunning && !state.isCancelled && !state.error ? { count: state.matches.length, isComplete: state.matches.length < SHOWN_MATCHES, source, key: state } : null),
    [state, source],
  );
  const isAppliedShown = applied !== null && applied.query.kind === 'dlq' && state?.match === applied.query.match;
  return {
    barKey,
    initial: applied?.query.kind === 'dlq' ? applied.query.match : undefined,
    forget: () => setApplied(null),
    bar: (
      <SavedSearchBar
        env={env}
        kind="dlq"
        openSource={source}
        current={state ? { query: { kind: 'dlq', source, match: state.match } } : { reason: 'Search first: what is saved is the search shown.' }}
        applied={isAppliedShown ? applied : null}
        result={isAppliedShown ? result : state && applied === null ? result : null}
        onApply={apply}
        onSaved={(s) => setApplied(s.query.kind === 'dlq' && state ? { ...s, query: { ...s.query, match: state.match } } : s)}
      />
    ),
  };
}
