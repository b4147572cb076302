import type { WorkersService } from '../workers/workers-service';
import type { DestinationsStore } from '../workers/destinations-store';
import type { CoreContext, HandlerGroup } from './context';
import { readMetricWindows } from '../workers/processors/metrics-reader';

/** Most rows `workers.metrics` returns (the newest are kept). */
const MAX_METRIC_ROWS = 5000;

/** The pipeline's consumer workers: run, pause, stop and configure them; where notifications go. */
export function workerHandlers(ctx: CoreContext, workers: WorkersService, destinations: DestinationsStore): HandlerGroup<'workers.'> {
  const record = async (envId: string, action: string, target: string, after: unknown) => {
    const profile = ctx.environments.get(envId);
    await ctx.audit.append({ at: ctx.clock.now(), who: ctx.who(), envId, envName: profile.name, action, target, before: null, after });
  };
  return {
    'workers.list': ({ envId }) => workers.view(envId),
    'workers.start': async ({ envId, only }) => {
      const view = await workers.start(envId, only);
      await record(envId, 'workers.start', only?.join(', ') ?? 'all', { running: view.processors.filter((p) => p.state !== 'stopped').map((p) => p.name) });
      return view;
    },
    'workers.stop': async ({ envId, processor }) => {
      const view = await workers.stop(envId, processor);
      await record(envId, 'workers.stop', processor ?? 'all', null);
      return view;
    },
    'workers.pause': ({ envId, processor }) => workers.pause(envId, processor),
    'workers.resume': ({ envId, processor }) => workers.resume(envId, processor),
    'workers.configure': async ({ envId, processor, settings }) => {
      const view = await workers.configure(envId, processor, settings);
      await record(envId, 'workers.configure', processor, settings);
      return view;
    },
    'workers.metrics': async ({ envId, minutes, asset, metric }) => {
      const rows = await readMetricWindows(ctx.redisOf(envId), ctx.environments.get(envId).namespace, { minutes, asset, metric });
      return rows.slice(-MAX_METRIC_ROWS);
    },
    'workers.destinations': ({ envId }) => {
      ctx.environments.get(envId);
      return destinations.view(envId);
    },
    'workers.setDestinations': async ({ envId, destinations: input }) => {
      ctx.environments.assertAllowed(envId, 'change notification destinations', 'administer');
      const view = await destinations.update(envId, input);
      await workers.destinationsChanged(envId);
      // Secrets never reach the audit log: only which parts changed.
      await record(envId, 'workers.setDestinations', 'notification destinations', { slack: input.slack !== undefined, email: input.email !== undefined, webhook: input.webhook !== undefined, pagerDuty: input.pagerDuty !== undefined });
      return view;
    },
  };
}
