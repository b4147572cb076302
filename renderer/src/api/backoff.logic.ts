/** Longest wait between two reconnection attempts: an analyst should never stare at a dead screen for long. */
export const MAX_RECONNECT_DELAY_MS = 3000;
const FIRST_RECONNECT_DELAY_MS = 250;

/**
 * Delay before reconnection attempt number `attempt` (0 for the first retry): doubles from 250 ms,
 * capped at 3 s, with jitter in [50 %, 100 %] so several tabs do not reconnect in lockstep.
 */
export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_RECONNECT_DELAY_MS, FIRST_RECONNECT_DELAY_MS * 2 ** Math.max(0, attempt));
  const jitter = 0.5 + Math.min(1, Math.max(0, random())) / 2;
  return Math.round(ceiling * jitter);
}
