import type { Result } from '../../../shared/contract';
import type { DemoStatus } from '../../../shared/model/overview';
import type { AppServices } from '../services';
import { applyDemoStatus } from '../stores/demo.logic';

/** Starts demo traffic on an environment; the answer updates the demo store at once. */
export async function startDemo({ client, stores }: AppServices, envId: string, rate: number): Promise<Result<DemoStatus>> {
  const result = await client.call('demo.start', { envId, rate });
  if (result.ok) stores.demo.setState((state) => applyDemoStatus(state, result.value), true);
  return result;
}

/** Stops demo traffic on an environment. */
export async function stopDemo({ client, stores }: AppServices, envId: string): Promise<Result<DemoStatus>> {
  const result = await client.call('demo.stop', { envId });
  if (result.ok) stores.demo.setState((state) => applyDemoStatus(state, result.value), true);
  return result;
}
