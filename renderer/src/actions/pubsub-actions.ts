import type { Result, ResultOf } from '../../../shared/contract';
import type { AppServices } from '../services';

/** Every state-changing pub/sub call of the renderer (issue 16). Tails are reads (access `read`) and stay with the screen. */

/** Publishes one test message on a channel; answers how many subscribers received it. */
export function publishMessage({ client }: Pick<AppServices, 'client'>, envId: string, channel: string, message: string): Promise<Result<ResultOf<'pubsub.publish'>>> {
  return client.call('pubsub.publish', { envId, channel, message });
}
