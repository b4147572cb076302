import { useEffect, useState } from 'react';
import type { MethodName, ParamsOf, ResultOf } from '../../../shared/contract';
import { useServices } from '../services';

/** How often an open detail asks the host again (history charts). */
export const POLL_MS = 2000;

export type PolledState<T> =
  | { state: 'loading' }
  | { state: 'ready'; value: T }
  /** The last good answer is kept so a transient error does not blank the charts. */
  | { state: 'error'; code: string; message: string; last: T | null };

/**
 * Calls `method` now and every `everyMs` while mounted, with `params` re-read whenever `key`
 * changes (a string made of what the params depend on, so an object literal does not restart it).
 */
export function usePolledCall<M extends MethodName>(method: M, params: ParamsOf<M>, key: string, everyMs = POLL_MS): PolledState<ResultOf<M>> {
  const { client } = useServices();
  const [result, setResult] = useState<PolledState<ResultOf<M>>>({ state: 'loading' });
  useEffect(() => {
    let isCancelled = false;
    let last: ResultOf<M> | null = null;
    const load = async () => {
      const answer = await client.call(method, params);
      if (isCancelled) return;
      if (answer.ok) {
        last = answer.value;
        setResult({ state: 'ready', value: answer.value });
      } else {
        setResult({ state: 'error', code: answer.error.code, message: answer.error.message, last });
      }
    };
    void load();
    const timer = setInterval(() => void load(), everyMs);
    return () => {
      isCancelled = true;
      clearInterval(timer);
    };
    // `key` stands for `params`: see above.
  }, [client, method, key, everyMs]);
  return result;
}

/** The answer to show: the current one, or through an error the last good one; null while loading. */
export function latestOf<T>(polled: PolledState<T>): T | null {
  return polled.state === 'ready' ? polled.value : polled.state === 'error' ? polled.last : null;
}
