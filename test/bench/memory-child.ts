// Runs in its own process so RSS measures only this: 10 environments x 500 streams x 3 groups
// (issue 19's scale; WF_MEMORY_ENVS / WF_MEMORY_STREAMS for others) with a full hour (3,600
// samples at 1 s) of history in the host's typed-array rings.
import type { StreamInfo } from '../../shared/model/overview';
import { StreamHistoryStore } from '../../electron/core/monitor/stream-history';

const ENVS = Number(process.env.WF_MEMORY_ENVS ?? 10);
const STREAMS = Number(process.env.WF_MEMORY_STREAMS ?? 500);
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
  heapTotalMb: Math.round(after.heapTotal / 1e6),
  externalMb: Math.round(after.external / 1e6),
  arrayBuffersMb: Math.round(after.arrayBuffers / 1e6),
  goal: 'RSS < 300 MB at 10 environments x 500 streams x 3 groups (issue 19)',
}) + '\n');
