import { HISTORY_CAPACITY, SeriesRing } from './series-ring';

const key = (name: string, series: string) => `${name}\u0000${series}`;

export interface SeriesSpec<K extends string, U extends string> {
  key: K;
  label: string;
  unit: U;
}

/** The downsampled history of one named thing (a queue): its series on one time axis. */
export interface EntityHistory<K extends string, U extends string> {
  gone: boolean;
  from: number;
  stepMs: number;
  points: number;
  series: (SeriesSpec<K, U> & { values: (number | null)[] })[];
}

/**
 * The last hour of a fixed set of numbers (`specs`) for every named thing of one environment —
 * RabbitMQ queues, BullMQ queues — sampled at each tick into typed-array rings (4 bytes a value),
 * with deletion tracking so a thing deleted while watched reads as gone, not as empty.
 */
export class EntityHistoryStore<K extends string, U extends string> {
  private readonly ring: SeriesRing;
  private readonly known = new Set<string>();
  private readonly goneNames = new Set<string>();
  private ticks = 0;

  constructor(
    private readonly specs: readonly SeriesSpec<K, U>[],
    capacity = HISTORY_CAPACITY,
  ) {
    this.ring = new SeriesRing(capacity);
  }

  /** Records one sample. `gone` names things the sampler knows were deleted. */
  record(at: number, items: readonly ({ name: string } & { [P in K]: number | null })[], gone: readonly string[] = []): void {
    this.ring.advance(at);
    const live = new Set<string>();
    for (const item of items) {
      live.add(item.name);
      this.known.add(item.name);
      this.goneNames.delete(item.name);
      for (const spec of this.specs) this.ring.write(key(item.name, spec.key), item[spec.key]);
    }
    for (const name of gone) if (this.known.has(name)) this.goneNames.add(name);
    // Once a minute, forget things whose series have been empty for the whole window.
    if (++this.ticks % 60 === 0) {
      this.ring.prune((k) => live.has(k.slice(0, k.indexOf('\u0000'))));
      const first = this.specs[0]!.key;
      for (const name of this.known) {
        if (!this.ring.has(key(name, first))) {
          this.known.delete(name);
          this.goneNames.delete(name);
        }
      }
    }
  }

  /** Whether this store has seen the thing (within the window). */
  knows(name: string): boolean {
    return this.known.has(name);
  }

  /** Every name seen within the window. */
  names(): string[] {
    return [...this.known];
  }

  /** Whether the thing was deleted after it had been seen. */
  isGone(name: string): boolean {
    return this.goneNames.has(name);
  }

  query(name: string, now: number, windowSeconds: number, maxPoints: number): EntityHistory<K, U> {
    const from = now - windowSeconds * 1000;
    const { stepMs, values } = this.ring.downsample(this.specs.map((s) => key(name, s.key)), from, now, maxPoints);
    return {
      gone: this.goneNames.has(name),
      from,
      stepMs,
      points: maxPoints,
      series: this.specs.map((s, i) => ({ ...s, values: values[i]! })),
    };
  }

  get bytes(): number {
    return this.ring.bytes;
  }
}
