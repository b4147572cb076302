/**
 * A circuit breaker per destination (seed 001 § Fault Tolerance): when a Slack webhook, SMTP relay
 * or receiver keeps failing, stop calling it for a while instead of hammering it with every retry
 * of every message. Pure state plus an injected clock, so every transition is testable.
 */

/** Seed 001 `circuitBreaker` thresholds. */
export interface CircuitBreakerOptions {
  /** Failures within `monitoringPeriodMs` that open the circuit. */
  failureThreshold: number;
  monitoringPeriodMs: number;
  /** How long an open circuit refuses calls before letting trial calls through (half-open). */
  recoveryTimeoutMs: number;
  /** Trial calls allowed while half-open: one failure re-opens, all of them succeeding closes. */
  halfOpenMaxCalls: number;
}

/** Seed 001 defaults: 5 failures within 60 s open it for 30 s, then 3 trial calls. */
export const SEED_CIRCUIT_BREAKER: CircuitBreakerOptions = { failureThreshold: 5, monitoringPeriodMs: 60_000, recoveryTimeoutMs: 30_000, halfOpenMaxCalls: 3 };

/** The time source, injected so tests drive it. */
export interface Clock {
  now(): number;
}

/** closed: calls pass; open: calls refused until `openUntil`; half-open: a few trial calls pass. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/** One destination's breaker. Ask `canPass()` before a call and `record()` its result after. */
export class CircuitBreaker {
  private current: CircuitState = 'closed';
  /** Failure times within the monitoring period (closed state only). */
  private failures: number[] = [];
  private reopenAt = 0;
  /** Trial calls let through / succeeded since the circuit went half-open. */
  private trialsStarted = 0;
  private trialsSucceeded = 0;
  private readonly options: CircuitBreakerOptions;

  constructor(
    private readonly clock: Clock,
    options: Partial<CircuitBreakerOptions> = {},
  ) {
    this.options = { ...SEED_CIRCUIT_BREAKER, ...options };
  }

  /** The state now: an open circuit whose recovery timeout has passed reads as half-open. */
  get state(): CircuitState {
    this.advance();
    return this.current;
  }

  /** Until when (epoch ms) an open circuit refuses calls, or null when it is not open. */
  get openUntil(): number | null {
    return this.state === 'open' ? this.reopenAt : null;
  }

  /**
   * Whether a call may go ahead now. In half-open it hands out at most `halfOpenMaxCalls` trial
   * slots, so a call that passes must be followed by `record()`.
   */
  canPass(): boolean {
    this.advance();
    if (this.current === 'closed') return true;
    if (this.current === 'open') return false;
    if (this.trialsStarted >= this.options.halfOpenMaxCalls) return false;
    this.trialsStarted++;
    return true;
  }

  /** The outcome of a call that `canPass()` let through. */
  record(isSuccess: boolean): void {
    this.advance();
    const now = this.clock.now();
    if (this.current === 'half-open') {
      if (!isSuccess) return this.open(now);
      if (++this.trialsSucceeded >= this.options.halfOpenMaxCalls) this.close();
      return;
    }
    // A result arriving while open came from a call started before it opened: it changes nothing.
    if (this.current === 'open' || isSuccess) return;
    this.failures = this.failures.filter((at) => now - at < this.options.monitoringPeriodMs);
    this.failures.push(now);
    if (this.failures.length >= this.options.failureThreshold) this.open(now);
  }

  private advance(): void {
    if (this.current === 'open' && this.clock.now() >= this.reopenAt) {
      this.current = 'half-open';
      this.trialsStarted = 0;
      this.trialsSucceeded = 0;
    }
  }

  private open(now: number): void {
    this.current = 'open';
    this.reopenAt = now + this.options.recoveryTimeoutMs;
    this.failures = [];
  }

  private close(): void {
    this.current = 'closed';
    this.failures = [];
  }
}

/** One breaker per destination (a webhook URL, an SMTP host), made on first use. */
export class CircuitBreakers {
  private readonly byDestination = new Map<string, CircuitBreaker>();

  constructor(
    private readonly clock: Clock,
    private readonly options: Partial<CircuitBreakerOptions> = {},
  ) {}

  /** The breaker of `destination`, created closed the first time. */
  for(destination: string): CircuitBreaker {
    let breaker = this.byDestination.get(destination);
    if (!breaker) {
      breaker = new CircuitBreaker(this.clock, this.options);
      this.byDestination.set(destination, breaker);
    }
    return breaker;
  }

  /** The destinations whose circuit is open now, with until when (epoch ms). */
  openCircuits(): Record<string, number> {
    const open: Record<string, number> = {};
    for (const [destination, breaker] of this.byDestination) {
      const until = breaker.openUntil;
      if (until !== null) open[destination] = until;
    }
    return open;
  }
}
