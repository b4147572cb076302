import { useCallback, useState } from 'react';
import { MAX_DEMO_RATE } from '../../../../shared/contract/methods';
import { startDemo, stopDemo } from '../../actions/demo-actions';
import { useServices } from '../../services';

/** Demo rate a card starts with, in messages per second (the contract's default). */
export const DEFAULT_DEMO_RATE = 20;

export interface DemoControls {
  rateText: string;
  setRateText(text: string): void;
  /** The rate typed, or null when it is not a usable number. */
  rate: number | null;
  isBusy: boolean;
  error: string | null;
  start(): void;
  stop(): void;
}

/** State of one card's demo controls, shared by the control row and the "Start demo traffic" empty state. */
export function useDemoControls(envId: string): DemoControls {
  const services = useServices();
  const [rateText, setRateText] = useState(String(DEFAULT_DEMO_RATE));
  const [isBusy, setIsBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const rate = parseRate(rateText);

  const run = useCallback(async (action: () => Promise<{ ok: true } | { ok: false; error: { message: string } }>) => {
    setIsBusy(true);
    setError(null);
    const result = await action();
    setIsBusy(false);
    if (!result.ok) setError(result.error.message);
  }, []);

  const start = useCallback(() => {
    if (rate !== null) void run(() => startDemo(services, envId, rate));
  }, [services, envId, rate, run]);
  const stop = useCallback(() => void run(() => stopDemo(services, envId)), [services, envId, run]);

  return { rateText, setRateText, rate, isBusy, error, start, stop };
}

function parseRate(text: string): number | null {
  const value = Number(text.trim());
  return text.trim() !== '' && Number.isFinite(value) && value > 0 && value <= MAX_DEMO_RATE ? value : null;
}
