import type { Result, ResultOf } from '../../../shared/contract';
import { withConfirmation } from '../api/confirm';
import type { AppServices } from '../services';

/**
 * Every state-changing Redis Streams call of the renderer (issue 16): the operator actions on a
 * consumer group's pending entries. The pending list is paged by its view, which reloads on success.
 */

type Services = Pick<AppServices, 'client'>;

/** Acknowledges pending entries of a group: nobody receives them again. */
export function ackEntries({ client }: Services, envId: string, stream: string, group: string, ids: string[]): Promise<Result<ResultOf<'streams.ack'>>> {
  return client.call('streams.ack', { envId, stream, group, ids });
}

/** Moves entries pending longer than `minIdleMs` to `consumer` (created if it does not exist). */
export function claimEntries(
  { client }: Services,
  envId: string,
  stream: string,
  group: string,
  consumer: string,
  minIdleMs: number,
): Promise<Result<ResultOf<'streams.claim'>>> {
  return client.call('streams.claim', { envId, stream, group, consumer, minIdleMs });
}

/** Copies pending entries delivered more than `minDeliveries` times to the stream's DLQ, then acknowledges them. */
export function moveToDeadLetter({ client }: Services, envId: string, stream: string, group: string, minDeliveries: number): Promise<Result<ResultOf<'streams.moveToDeadLetter'>>> {
  return client.call('streams.moveToDeadLetter', { envId, stream, group, minDeliveries });
}

/** Deletes a consumer of a group, with the one-time token bought by typing its name (`force`: even with entries still pending). */
export function deleteConsumer(
  { client }: Services,
  envId: string,
  target: { stream: string; group: string; consumer: string },
  force: boolean,
  typed: string,
): Promise<Result<ResultOf<'streams.deleteConsumer'>>> {
  const { stream, group, consumer } = target;
  return withConfirmation(client, { envId, action: 'streams.deleteConsumer', target: consumer, typed }, (confirmToken) =>
    client.call('streams.deleteConsumer', { envId, stream, group, consumer, force, confirmToken }),
  );
}
