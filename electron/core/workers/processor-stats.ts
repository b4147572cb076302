import type { ProcessorCounters, ProcessorState, ProcessorStatus } from '../../../shared/model/workers';
import type { Clock } from '../ports';

const RATE_WINDOW_MS = 5000;

/** Counters, a sliding rate and the last error of one processor: what its status reports. */
export class ProcessorStats {
  readonly counters: ProcessorCounters = { processed: 0, failures: 0, retries: 0, deadLettered: 0, duplicates: 0, reclaimed: 0 };
  inFlight = 0;
  lastError: { message: string; at: number } | null = null;
  /** [time, processed] samples, oldest first, for the rate over the last few seconds. */
  private readonly samples: [number, number][] = [];

  constructor(private readonly clock: Clock) {}

  count(key: keyof ProcessorCounters, by = 1): void {
    this.counters[key] += by;
  }

  fail(message: string): void {
    this.lastError = { message, at: this.clock.now() };
  }

  /** Messages handled per second over the last 5 s. */
  rate(): number {
    const now = this.clock.now();
    this.samples.push([now, this.counters.processed]);
    while (this.samples.length > 2 && now - this.samples[0]![0] > RATE_WINDOW_MS) this.samples.shift();
    const [t0, p0] = this.samples[0]!;
    return now - t0 > 0 ? ((this.counters.processed - p0) * 1000) / (now - t0) : 0;
  }

  /** The status fields this class owns. */
  snapshot(state: ProcessorState): Pick<ProcessorStatus, 'state' | 'counters' | 'ratePerSec' | 'inFlight' | 'lastError'> {
    return { state, counters: { ...this.counters }, ratePerSec: Math.round(this.rate() * 10) / 10, inFlight: this.inFlight, lastError: this.lastError };
  }
}
