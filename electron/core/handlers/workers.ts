import type { WorkersService } from '../workers/workers-service';
import type { DestinationsStore } from '../workers/destinations-store';
import type { CoreContext, HandlerGroup } from './context';
import { readMetricWindows } from '../workers/processors/metrics-reader';

/** Most rows `workers.metrics` returns (the newest are kept). */
const MAX_METRIC_ROWS = 5000;

/** The pipeline's consumer workers: run, pause, stop and configure them; where notifications go. */
export function workerHandlers(ctx: CoreContext, workers: WorkersService, destinations: DestinationsStore): HandlerGroup<'workers.'> {
  return {
    'workers.list': ({ envId }) => workers.view(envId),
    'workers.start': ({ envId, only, fromStart }) => workers.start(envId, only, { fromStart }),
    'workers.stop': ({ envId, processor }) => workers.stop(envId, processor),
    'workers.pause': ({ envId, processor }) => workers.pause(envId, processor),
    'workers.resume': ({ envId, processor }) => workers.resume(envId, processor),
    'workers.configure': ({ envId, processor, settings }) => workers.configure(envId, processor, settings),
    'workers.metrics': async ({ envId, minutes, asset, metric }) => {
      const rows = await readMetricWindows(ctx.redisOf(envId), ctx.environments.get(envId).namespace, { minutes, asset, metric });
      return rows.slice(-MAX_METRIC_ROWS);
    },
    'workers.destinations': ({ envId }) => {
      ctx.environments.get(envId);
      return destinations.view(envId);
    },
    'workers.setDestinations': async ({ envId, destinations: input }) => {
      const view = await destinations.update(envId, input);
      await workers.destinationsChanged(envId);
      return view;
    },
  };
}
