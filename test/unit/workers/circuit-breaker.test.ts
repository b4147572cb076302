import { describe, expect, it } from 'vitest';
import { CircuitBreaker, CircuitBreakers } from '../../../electron/core/workers/notify/circuit-breaker';

/** A clock the test moves by hand. */
function fakeClock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

function failTimes(breaker: CircuitBreaker, n: number) {
  for (let i = 0; i < n; i++) {
    expect(breaker.canPass()).toBe(true);
    breaker.record(false);
  }
}

describe('CircuitBreaker (seed 001 thresholds)', () => {
  it('stays closed under 5 failures and opens on the 5th within 60 s, refusing calls for 30 s', () => {
    const clock = fakeClock();
    const breaker = new CircuitBreaker(clock);
    failTimes(breaker, 4);
    expect(breaker.state).toBe('closed');
    expect(breaker.openUntil).toBeNull();
    failTimes(breaker, 1);
    expect(breaker.state).toBe('open');
    expect(breaker.openUntil).toBe(clock.now() + 30_000);
    expect(breaker.canPass()).toBe(false);
    clock.advance(29_999);
    expect(breaker.canPass()).toBe(false);
  });

  it('forgets failures older than the monitoring period', () => {
    const clock = fakeClock();
    const breaker = new CircuitBreaker(clock);
    failTimes(breaker, 4);
    clock.advance(60_000);
    failTimes(breaker, 4);
    expect(breaker.state).toBe('closed');
    failTimes(breaker, 1);
    expect(breaker.state).toBe('open');
  });

  it('successes while closed do not reset the failure window (failures are counted within the period)', () => {
    const clock = fakeClock();
    const breaker = new CircuitBreaker(clock);
    failTimes(breaker, 2);
    breaker.record(true);
    failTimes(breaker, 3);
    expect(breaker.state).toBe('open');
  });

  it('goes half-open after the recovery timeout and lets exactly 3 trial calls through', () => {
    const clock = fakeClock();
    const breaker = new CircuitBreaker(clock);
    failTimes(breaker, 5);
    clock.advance(30_000);
    expect(breaker.state).toBe('half-open');
    expect(breaker.openUntil).toBeNull();
    expect([breaker.canPass(), breaker.canPass(), breaker.canPass(), breaker.canPass()]).toEqual([true, true, true, false]);
  });

  it('closes when all trial calls succeed', () => {
    const clock = fakeClock();
    const breaker = new CircuitBreaker(clock);
    failTimes(breaker, 5);
    clock.advance(30_000);
    for (let i = 0; i < 3; i++) {
      expect(breaker.canPass()).toBe(true);
      breaker.record(true);
      if (i < 2) expect(breaker.state).toBe('half-open');
    }
    expect(breaker.state).toBe('closed');
    // Closed again with a clean slate: it takes 5 new failures to open.
    failTimes(breaker, 4);
    expect(breaker.state).toBe('closed');
  });

  it('re-opens on one failed trial call, for a new recovery timeout', () => {
    const clock = fakeClock();
    const breaker = new CircuitBreaker(clock);
    failTimes(breaker, 5);
    clock.advance(30_000);
    expect(breaker.canPass()).toBe(true);
    breaker.record(true);
    expect(breaker.canPass()).toBe(true);
    breaker.record(false);
    expect(breaker.state).toBe('open');
    expect(breaker.openUntil).toBe(clock.now() + 30_000);
    expect(breaker.canPass()).toBe(false);
    // A trial call still in flight reporting success changes nothing while open.
    breaker.record(true);
    expect(breaker.state).toBe('open');
    clock.advance(30_000);
    expect(breaker.state).toBe('half-open');
  });

  it('takes custom thresholds', () => {
    const clock = fakeClock();
    const breaker = new CircuitBreaker(clock, { failureThreshold: 1, recoveryTimeoutMs: 10, halfOpenMaxCalls: 1 });
    failTimes(breaker, 1);
    expect(breaker.state).toBe('open');
    clock.advance(10);
    expect(breaker.canPass()).toBe(true);
    expect(breaker.canPass()).toBe(false);
    breaker.record(true);
    expect(breaker.state).toBe('closed');
  });
});

describe('CircuitBreakers', () => {
  it('keeps one breaker per destination and lists only the open ones with until when', () => {
    const clock = fakeClock();
    const breakers = new CircuitBreakers(clock);
    expect(breakers.for('a')).toBe(breakers.for('a'));
    failTimes(breakers.for('a'), 5);
    failTimes(breakers.for('b'), 4);
    expect(breakers.openCircuits()).toEqual({ a: clock.now() + 30_000 });
    expect(breakers.for('b').canPass()).toBe(true);
    clock.advance(30_000);
    expect(breakers.openCircuits()).toEqual({});
  });
});
