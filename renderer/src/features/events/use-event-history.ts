import { useCallback, useEffect, useRef, useState } from 'react';
import type { EventCursor, HourlyCounts, StoredEvent } from '../../../../shared/contract/method-groups/events';
import { useServices } from '../../services';
import { describeEventsError, mergePages, paramsKey, searchParams, type EventsProblem, type FilterParams } from './events.logic';

export type EventHistoryState =
  | { state: 'loading' }
  | { state: 'error'; problem: EventsProblem }
  | {
      state: 'ready';
      hourly: HourlyCounts;
      events: StoredEvent[];
      next: EventCursor | null;
      /** The "Load older" request: idle, running, or its error in words. */
      older: { state: 'idle' } | { state: 'loading' } | { state: 'error'; problem: EventsProblem };
    };

/**
 * The stored events of a filter (two read calls: the first page and the hourly counts), read
 * again whenever the params change; `loadOlder` adds the next page below. An answer to params no
 * longer shown is dropped.
 */
export function useEventHistory(params: FilterParams): { history: EventHistoryState; loadOlder: () => void } {
  const { client } = useServices();
  const [history, setHistory] = useState<EventHistoryState>({ state: 'loading' });
  const key = paramsKey(params);
  const current = useRef(key);
  const paramsRef = useRef(params);
  paramsRef.current = params;

  useEffect(() => {
    current.current = key;
    setHistory({ state: 'loading' });
    const p = paramsRef.current;
    void Promise.all([client.call('events.search', searchParams(p)), client.call('events.hourly', p)]).then(([page, hourly]) => {
      if (current.current !== key) return;
      const failed = !page.ok ? page : !hourly.ok ? hourly : null;
      if (failed && !failed.ok) setHistory({ state: 'error', problem: describeEventsError(failed.error.code, failed.error.message) });
      else if (page.ok && hourly.ok) setHistory({ state: 'ready', hourly: hourly.value, events: page.value.events, next: page.value.next, older: { state: 'idle' } });
    });
  }, [client, key]);

  const loadOlder = useCallback(() => {
    if (history.state !== 'ready' || !history.next || history.older.state === 'loading') return;
    const before = history.next;
    const asked = key;
    setHistory({ ...history, older: { state: 'loading' } });
    void client.call('events.search', searchParams(paramsRef.current, before)).then((page) => {
      if (current.current !== asked) return;
      setHistory((now) => {
        if (now.state !== 'ready') return now;
        if (!page.ok) return { ...now, older: { state: 'error', problem: describeEventsError(page.error.code, page.error.message) } };
        return { ...now, events: mergePages(now.events, page.value.events), next: page.value.next, older: { state: 'idle' } };
      });
    });
  }, [client, history, key]);

  return { history, loadOlder };
}
