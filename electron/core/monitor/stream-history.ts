import type { StreamHistory, StreamInfo } from '../../../shared/model/overview';
import { HISTORY_CAPACITY, SeriesRing } from './series-ring';

const key = (stream: string, series: string) => `${stream}\u0000${series}`;

/**
 * The last hour of every stream of one environment: length, add rate, and per group lag and
 * read rate, sampled at each monitor tick into typed-array rings.
 */
export class StreamHistoryStore {
  private readonly ring: SeriesRing;
  private readonly groupsOf = new Map<string, Set<string>>();
  private readonly goneStreams = new Set<string>();
  private live = new Set<string>();
  private ticks = 0;

  constructor(capacity = HISTORY_CAPACITY) {
    this.ring = new SeriesRing(capacity);
  }

  record(at: number, streams: readonly StreamInfo[], gone: readonly string[] = []): void {
    this.ring.advance(at);
    const live = new Set<string>();
    for (const stream of streams) {
      live.add(stream.name);
      this.goneStreams.delete(stream.name);
      this.ring.write(key(stream.name, 'length'), stream.length);
      this.ring.write(key(stream.name, 'addRate'), stream.addRate);
      let groups = this.groupsOf.get(stream.name);
      if (!groups) this.groupsOf.set(stream.name, (groups = new Set()));
      for (const group of stream.groups) {
        groups.add(group.name);
        this.ring.write(key(stream.name, `lag:${group.name}`), group.lag);
        this.ring.write(key(stream.name, `readRate:${group.name}`), group.readRate);
      }
    }
    for (const name of gone) this.goneStreams.add(name);
    this.live = live;
    // Once a minute, forget series that have been empty for the whole window.
    if (++this.ticks % 60 === 0) {
      this.ring.prune((k) => live.has(k.slice(0, k.indexOf('\u0000'))));
      for (const [stream] of this.groupsOf) {
        if (!this.ring.has(key(stream, 'length'))) {
          this.groupsOf.delete(stream);
          this.goneStreams.delete(stream);
        }
      }
    }
  }

  /** Whether this store has ever seen the stream (within the window). */
  knows(stream: string): boolean {
    return this.groupsOf.has(stream);
  }

  query(stream: string, now: number, windowSeconds: number, maxPoints: number): StreamHistory {
    const groups = [...(this.groupsOf.get(stream) ?? [])].sort();
    const specs = [
      { key: 'length', label: 'length', unit: 'entries' as const },
      { key: 'addRate', label: 'added/s', unit: 'entries/s' as const },
      ...groups.map((g) => ({ key: `lag:${g}`, label: `${g} lag`, unit: 'entries' as const })),
      ...groups.map((g) => ({ key: `readRate:${g}`, label: `${g} read/s`, unit: 'entries/s' as const })),
    ];
    const from = now - windowSeconds * 1000;
    const { stepMs, values } = this.ring.downsample(specs.map((s) => key(stream, s.key)), from, now, maxPoints);
    return {
      stream,
      gone: this.goneStreams.has(stream) || (this.knows(stream) && !this.live.has(stream)),
      from,
      stepMs,
      points: maxPoints,
      series: specs.map((s, i) => ({ ...s, values: values[i]! })),
    };
  }

  get bytes(): number {
    return this.ring.bytes;
  }

  get seriesCount(): number {
    return this.ring.seriesCount;
  }
}
