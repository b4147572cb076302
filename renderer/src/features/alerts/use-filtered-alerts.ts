import { useEffect, useMemo, useRef, useState } from 'react';
import type { AlertSummary } from '../../../../shared/model/alerts';
import type { AlertFilter } from '../../stores/alerts.logic';
import { filterSorted, filterSortedInSlices } from '../../stores/alert-index.logic';

/** Lists up to this long are filtered while rendering (10,000 alerts: a few ms). */
export const FILTER_AT_ONCE_LIMIT = 20_000;

/** A filtered list and what it was made from: the list shown, its count and the actions all use one of these. */
export interface FilteredAlerts {
  sorted: readonly AlertSummary[];
  filter: AlertFilter;
  now: number;
  list: readonly AlertSummary[];
}

const isMadeFrom = (r: FilteredAlerts | null, sorted: readonly AlertSummary[], filter: AlertFilter, now: number) => r !== null && r.sorted === sorted && r.filter === filter && r.now === now;

/**
 * The alerts of `sorted` that pass `filter`. Up to FILTER_AT_ONCE_LIMIT alerts, computed while
 * rendering. Past it (100,000 alerts: one pass held the page ~80 ms on a busy machine, past the
 * next frames), filtered in slices between frames after the commit: until the new list is ready
 * the previous one stays shown, with the filter it was made with (the first list is made at once).
 */
export function useFilteredAlerts(sorted: readonly AlertSummary[], filter: AlertFilter, now: number): FilteredAlerts {
  const isAtOnce = sorted.length <= FILTER_AT_ONCE_LIMIT;
  const atOnce = useMemo(() => (isAtOnce ? { sorted, filter, now, list: filterSorted(sorted, filter, now) } : null), [isAtOnce, sorted, filter, now]);
  const [sliced, setSliced] = useState<FilteredAlerts | null>(null);
  const first = useRef<FilteredAlerts | null>(null);
  if (!isAtOnce && sliced === null && !isMadeFrom(first.current, sorted, filter, now)) first.current = { sorted, filter, now, list: filterSorted(sorted, filter, now) };
  const shown = atOnce ?? sliced ?? first.current!;
  const isCurrent = isMadeFrom(shown, sorted, filter, now);
  // A pass runs to its end when only the data moved on (a push every 100 ms would otherwise
  // restart it for ever); a new filter starts over at once. The next pass takes the latest data.
  const running = useRef<{ filter: AlertFilter; cancel: () => void } | null>(null);
  useEffect(() => {
    if (isAtOnce || isCurrent) return;
    if (running.current) {
      if (running.current.filter === filter) return;
      running.current.cancel();
    }
    const pass = { filter, cancel: () => {} };
    running.current = pass;
    pass.cancel = filterSortedInSlices(sorted, filter, now, (list) => {
      if (running.current === pass) running.current = null;
      setSliced({ sorted, filter, now, list });
    });
  }, [isAtOnce, isCurrent, sorted, filter, now]);
  useEffect(() => () => running.current?.cancel(), []);
  return shown;
}
