import type { ParamsOf, Result } from '../../../shared/contract';
import type { NotificationDestinationsView, ProcessorName, ProcessorSettings, WorkersView } from '../../../shared/model/workers';
import type { AppServices } from '../services';
import { loadWorkers } from '../stores/sync';
import { applyWorkersViews } from '../stores/workers.logic';

/**
 * Every state-changing workers call of the renderer (issue 16). Each answer is the environment's
 * workers view, which goes into the workers store at once (pushes follow every later change).
 */

function receive({ stores }: AppServices, result: Result<WorkersView>): Result<WorkersView> {
  if (result.ok) stores.workers.setState((state) => applyWorkersViews(state, [result.value]), true);
  return result;
}

/** Starts every processor that can run here, or `only` these; a group this creates begins at its stream's first entry with `fromStart`. */
export async function startWorkers(services: AppServices, envId: string, options: { only?: ProcessorName[]; fromStart?: boolean } = {}): Promise<Result<WorkersView>> {
  const { only, fromStart } = options;
  return receive(services, await services.client.call('workers.start', { envId, ...(only ? { only } : {}), ...(fromStart ? { fromStart } : {}) }));
}

/** Stops one processor, or all of them without `processor` (entries in hand are finished, pending ones stay for other consumers). */
export async function stopWorkers(services: AppServices, envId: string, processor?: ProcessorName): Promise<Result<WorkersView>> {
  return receive(services, await services.client.call('workers.stop', { envId, ...(processor === undefined ? {} : { processor }) }));
}

/** Pauses one processor: it takes no new message until resumed. */
export async function pauseWorker(services: AppServices, envId: string, processor: ProcessorName): Promise<Result<WorkersView>> {
  return receive(services, await services.client.call('workers.pause', { envId, processor }));
}

export async function resumeWorker(services: AppServices, envId: string, processor: ProcessorName): Promise<Result<WorkersView>> {
  return receive(services, await services.client.call('workers.resume', { envId, processor }));
}

/** Changes a processor's concurrency or batch size. */
export async function configureWorker(services: AppServices, envId: string, processor: ProcessorName, settings: Partial<ProcessorSettings>): Promise<Result<WorkersView>> {
  return receive(services, await services.client.call('workers.configure', { envId, processor, settings }));
}

/** Saves where the notification senders deliver; on success the workers are read again, since whether the senders can run depends on it. */
export async function saveDestinations(
  services: AppServices,
  envId: string,
  destinations: ParamsOf<'workers.setDestinations'>['destinations'],
): Promise<Result<NotificationDestinationsView>> {
  const { client, stores } = services;
  const result = await client.call('workers.setDestinations', { envId, destinations });
  if (result.ok) void loadWorkers(client, stores, envId);
  return result;
}
