import { useEffect, useState } from 'react';
import type { QueueHistory } from '../../../../shared/model/overview';
import { useServices } from '../../services';

/** How often an open detail asks the host for the downsampled history. */
export const HISTORY_REFRESH_MS = 2000;
const MAX_POINTS = 180;

export type QueueHistoryState =
  | { state: 'loading' }
  | { state: 'ready'; history: QueueHistory }
  | { state: 'error'; code: string; message: string; last: QueueHistory | null };

/** The queue's history over `windowSeconds`, refreshed while the detail is open. */
export function useQueueHistory(envId: string, queue: string, windowSeconds: number): QueueHistoryState {
  const { client } = useServices();
  const [result, setResult] = useState<QueueHistoryState>({ state: 'loading' });
  useEffect(() => {
    let isCancelled = false;
    let last: QueueHistory | null = null;
    const load = async () => {
      const answer = await client.call('queues.history', { envId, queue, windowSeconds, maxPoints: MAX_POINTS });
      if (isCancelled) return;
      if (answer.ok) {
        last = answer.value;
        setResult({ state: 'ready', history: answer.value });
      } else {
        setResult({ state: 'error', code: answer.error.code, message: answer.error.message, last });
      }
    };
    void load();
    const timer = setInterval(() => void load(), HISTORY_REFRESH_MS);
    return () => {
      isCancelled = true;
      clearInterval(timer);
    };
  }, [client, envId, queue, windowSeconds]);
  return result;
}
