import type { Result } from '../../../shared/contract';
import type { ConnectionTestResult } from '../../../shared/model/connection';
import type { EnvironmentInput, EnvironmentView } from '../../../shared/model/environment';
import type { AppServices } from '../services';
import { removeEnvironment as removeFromList, upsertEnvironment } from '../stores/environments.logic';
import { closeForm, forgetRemovedEnvironment } from '../stores/navigation.logic';

/** Adds (no `id`) or updates an environment; on success the list shows it and the form closes. */
export async function saveEnvironment(
  { client, stores }: AppServices,
  id: string | null,
  input: EnvironmentInput,
): Promise<Result<EnvironmentView>> {
  const result = id === null ? await client.call('environments.add', input) : await client.call('environments.update', { id, input });
  if (result.ok) {
    stores.environments.setState((state) => upsertEnvironment(state, result.value), true);
    stores.navigation.setState((state) => closeForm(state), true);
  }
  return result;
}

/** Removes an environment (the caller has already asked for confirmation). */
export async function removeEnvironment({ client, stores }: AppServices, id: string): Promise<Result<{ id: string }>> {
  const result = await client.call('environments.remove', { id });
  if (result.ok) {
    stores.environments.setState((state) => removeFromList(state, id), true);
    const remaining = new Set(stores.environments.getState().environments.map((env) => env.id));
    stores.navigation.setState((state) => forgetRemovedEnvironment(state, remaining), true);
  }
  return result;
}

/**
 * Opens (`minutes` > 0) or ends (0) the timed write mode of a read-only production environment;
 * the environment's new `writableUntil` goes into the list at once.
 */
export async function switchWriteMode({ client, stores }: AppServices, id: string, minutes: number): Promise<Result<EnvironmentView>> {
  const result = await client.call('environments.setWriteMode', { id, minutes });
  if (result.ok) stores.environments.setState((state) => upsertEnvironment(state, result.value), true);
  return result;
}

/** Tests the brokers of a form (with `id`, passwords left empty are the stored ones) or of a saved environment. */
export function testEnvironment(
  { client }: AppServices,
  target: { id?: string; input?: EnvironmentInput },
): Promise<Result<ConnectionTestResult>> {
  return client.call('environments.test', target);
}
