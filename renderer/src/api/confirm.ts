import type { ConfirmAction } from '../../../shared/contract/method-groups/confirm';
import type { Result } from '../../../shared/contract/result';
import type { WatchfloorClient } from './client';

/**
 * Runs a destructive call with a one-time confirmation token: the host issues it only if `typed`
 * is the target's name exactly (and the role and write mode allow the action).
 */
export async function withConfirmation<T>(
  client: WatchfloorClient,
  confirmation: { envId: string; action: ConfirmAction; target: string; typed: string },
  run: (confirmToken: string) => Promise<Result<T>>,
): Promise<Result<T>> {
  const issued = await client.call('confirm.issue', confirmation);
  if (!issued.ok) return issued;
  return run(issued.value.token);
}
