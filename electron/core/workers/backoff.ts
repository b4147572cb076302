/** Retry policies and their delays: pure functions, shared by every processor. */

export interface RetryPolicy {
  /** Retries after the first attempt; the message is dead-lettered when attempt `maxRetries + 1` fails. */
  maxRetries: number;
  backoff: { type: 'exponential'; baseMs: number; maxMs?: number } | { type: 'fixed'; delayMs: number };
  /** ± fraction of the delay drawn at random (0.25 = ±25 %), so retries of a burst spread out. */
  jitter: number;
}

/** Seed 001 `retry`: exponential from `initialDelay` 1000 ms, `multiplier` 2, capped at `maxDelay` 60000 ms. */
export const SEED_MAX_RETRY_DELAY_MS = 60_000;

/** Seed 000: event processors (max 3 retries, exponential), priority notifications (5, fixed 1000 ms); the exponential cap is seed 001's. */
export const SEED_RETRY_POLICIES = {
  events: { maxRetries: 3, backoff: { type: 'exponential', baseMs: 1000, maxMs: SEED_MAX_RETRY_DELAY_MS }, jitter: 0.25 },
  priorityNotifications: { maxRetries: 5, backoff: { type: 'fixed', delayMs: 1000 }, jitter: 0.25 },
  notifications: { maxRetries: 3, backoff: { type: 'exponential', baseMs: 1000, maxMs: SEED_MAX_RETRY_DELAY_MS }, jitter: 0.25 },
} as const satisfies Record<string, RetryPolicy>;

/**
 * The delay before retry number `retry` (1 for the first retry): exponential `base · 2^(retry-1)`
 * capped at `maxMs`, or fixed; then ± jitter. `random` returns [0, 1).
 */
export function retryDelayMs(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const n = Math.max(1, retry);
  const nominal = policy.backoff.type === 'fixed' ? policy.backoff.delayMs : Math.min(policy.backoff.baseMs * 2 ** (n - 1), policy.backoff.maxMs ?? Number.POSITIVE_INFINITY);
  const spread = nominal * policy.jitter * (random() * 2 - 1);
  return Math.max(0, Math.round(nominal + spread));
}

/** True when a message that has failed `attempts` times should be dead-lettered rather than retried. */
export function isExhausted(policy: RetryPolicy, attempts: number): boolean {
  return attempts > policy.maxRetries;
}

/** Parses the seed's `retry_policy` of a notification (`backoff: exponential | fixed:1000ms`) over a default. */
export function policyFromSeed(seed: { max_retries?: unknown; backoff?: unknown } | undefined, fallback: RetryPolicy): RetryPolicy {
  if (!seed || typeof seed !== 'object') return fallback;
  const maxRetries = typeof seed.max_retries === 'number' && Number.isInteger(seed.max_retries) && seed.max_retries >= 0 && seed.max_retries <= 20 ? seed.max_retries : fallback.maxRetries;
  let backoff: RetryPolicy['backoff'] = fallback.backoff;
  if (seed.backoff === 'exponential') backoff = { type: 'exponential', baseMs: fallback.backoff.type === 'exponential' ? fallback.backoff.baseMs : 1000, maxMs: SEED_MAX_RETRY_DELAY_MS };
  else if (typeof seed.backoff === 'string') {
    const fixed = /^fixed:(\d+)ms$/.exec(seed.backoff);
    if (fixed) backoff = { type: 'fixed', delayMs: Math.min(Number(fixed[1]), SEED_MAX_RETRY_DELAY_MS) };
  }
  return { ...fallback, maxRetries, backoff };
}
