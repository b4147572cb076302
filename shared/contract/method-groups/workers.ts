import { z } from 'zod';
import { NotificationDestinationsInput, NotificationDestinationsView, ProcessorName, ProcessorSettings, WorkersView } from '../../model/workers';
import { EnvId } from './common';
import { write } from '../access';
import { MetricWindows, MetricWindowsQuery } from '../../model/metric-windows';

const Processor = z.object({ envId: EnvId, processor: ProcessorName }).strict();

/** The pipeline's consumer workers run by this console (issue 4). */
export const workerMethods = {
  /** Every processor of the environment, running or not. */
  'workers.list': { params: z.object({ envId: EnvId }).strict(), result: WorkersView },
  /**
   * Starts the environment's workers (all available, or `only`); already running ones stay.
   * A consumer group that does not exist yet is created at the stream's end (the seed's `$`), or
   * at its first entry with `fromStart` (the stream's history is processed); existing groups keep their position.
   */
  'workers.start': write({
    params: z.object({ envId: EnvId, only: z.array(ProcessorName).max(20).optional(), fromStart: z.boolean().optional() }).strict(),
    result: WorkersView,
    // They acknowledge and write on the environment's brokers (the service checks too).
    access: 'operator',
    audit: { target: (p) => p.only?.join(', ') ?? 'all', detail: (r, p) => ({ running: r.processors.filter((x) => x.state !== 'stopped').map((x) => x.name), ...(p.fromStart ? { fromStart: true } : {}) }) },
  }),
  /** Stops one processor, or all of them (entries in hand are finished; pending ones stay for other consumers). */
  /** Allowed on read-only environments too: stopping writes nothing. */
  'workers.stop': write({ params: z.object({ envId: EnvId, processor: ProcessorName.optional() }).strict(), result: WorkersView, access: 'console', audit: { target: (p) => p.processor ?? 'all' } }),
  'workers.pause': write({ params: Processor, result: WorkersView, access: 'operator', audit: { target: (p) => p.processor } }),
  'workers.resume': write({ params: Processor, result: WorkersView, access: 'operator', audit: { target: (p) => p.processor } }),
  'workers.configure': write({
    params: z.object({ envId: EnvId, processor: ProcessorName, settings: ProcessorSettings.partial() }).strict(),
    result: WorkersView,
    access: 'operator',
    audit: { target: (p) => p.processor, detail: (_r, p) => ({ settings: p.settings }) },
  }),
  /** The metrics processor's 1-minute windows (p50/p95/p99 per asset and metric), shared by every worker. */
  'workers.metrics': { params: MetricWindowsQuery.extend({ envId: EnvId }).strict(), result: MetricWindows },
  'workers.destinations': { params: z.object({ envId: EnvId }).strict(), result: NotificationDestinationsView },
  'workers.setDestinations': write({
    params: z.object({ envId: EnvId, destinations: NotificationDestinationsInput }).strict(),
    result: NotificationDestinationsView,
    access: 'admin',
    // Kept in this console's config home; secrets never reach the log: only which parts changed.
    audit: { target: () => 'notification destinations', team: false, detail: (_r, p) => ({ slack: p.destinations.slack !== undefined, email: p.destinations.email !== undefined, webhook: p.destinations.webhook !== undefined, pagerDuty: p.destinations.pagerDuty !== undefined }) },
  }),
} as const;

/** Workers of each environment whose status changed since the last flush (at most 4 a second). */
export const workersChangedEvent = z.object({ views: z.array(WorkersView), dropped: z.number() });
