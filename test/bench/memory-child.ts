// Runs in its own process so RSS measures only this: 3 environments x 200 streams x 3 groups
// with a full hour (3,600 samples) of history in the host's typed-array rings.
import type { StreamInfo } from '../../shared/model/overview';
import { StreamHistoryStore } from '../../electron/core/monitor/stream-history';

const ENVS = 3;
const STREAMS = 200;
const GROUPS = 3;
const SAMPLES = 3600;

const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
const baseline = process.memoryUsage();

const streamsOf = (env: number, tick: number): StreamInfo[] =>
  Array.from({ length: STREAMS }, (_, s) => ({
    name: `env${env}:stream-${s}`,
    length: tick + s,
    isDeadLetter: false,
    bullQueue: null,
    entriesAdded: tick * 10 + s,
    addRate: (tick % 7) + 1,
    lastEntryId: null,
    groups: Array.from({ length: GROUPS }, (_, g) => ({
      name: `group-${g}`, consumers: 1, pending: g, lag: (tick + g) % 1000, lagEstimated: false, lastDeliveredId: '0-0', entriesRead: tick, readRate: g + 0.5, oldestPendingMs: null, consumerList: [],
    })),
  }));

const stores = Array.from({ length: ENVS }, () => new StreamHistoryStore());
const start = Date.now();
for (let tick = 0; tick < SAMPLES; tick++) {
  stores.forEach((store, env) => store.record(start + tick * 1000, streamsOf(env, tick)));
}
gc?.();
const after = process.memoryUsage();
const series = stores.reduce((n, s) => n + s.seriesCount, 0);
const typedBytes = stores.reduce((n, s) => n + s.bytes, 0);
const storedSamples = series * SAMPLES;
process.stdout.write(JSON.stringify({
  bench: 'memory',
  environments: ENVS, streamsPerEnv: STREAMS, groupsPerStream: GROUPS, samplesPerSeries: SAMPLES,
  series,
  storedSamples,
  typedArrayBytes: typedBytes,
  bytesPerStoredSample: Math.round((typedBytes / storedSamples) * 100) / 100,
  rssMb: Math.round(after.rss / 1e6),
  rssBaselineMb: Math.round(baseline.rss / 1e6),
  heapUsedMb: Math.round(after.heapUsed / 1e6),
  arrayBuffersMb: Math.round(after.arrayBuffers / 1e6),
  goal: 'RSS < 250 MB',
}) + '\n');
