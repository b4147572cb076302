import type { Result, ResultOf } from '../../../shared/contract';
import type { AppServices } from '../services';

/**
 * The audited reveal of one message's masked fields (issue 20): the host checks the role, records
 * the reason in both audit logs and answers the message as stored. Nothing is kept in a store: the
 * detail that asked shows the answer in place until it is closed.
 */

type Services = Pick<AppServices, 'client'>;

/** One Redis dead letter unmasked, with why. */
export function revealDeadLetter({ client }: Services, envId: string, source: string, id: string, reason: string): Promise<Result<ResultOf<'payload.revealDeadLetter'>>> {
  return client.call('payload.revealDeadLetter', { envId, source, id, reason: reason.trim() });
}

/** One stream entry unmasked, with why. */
export function revealStreamEntry({ client }: Services, envId: string, stream: string, id: string, reason: string): Promise<Result<ResultOf<'payload.revealStreamEntry'>>> {
  return client.call('payload.revealStreamEntry', { envId, stream, id, reason: reason.trim() });
}

/** One RabbitMQ DLQ message unmasked (the one browsed at `position`, checked by its message id), with why. */
export function revealRabbitDeadLetter({ client }: Services, envId: string, queue: string, position: number, messageId: string | null, reason: string): Promise<Result<ResultOf<'payload.revealRabbitDeadLetter'>>> {
  return client.call('payload.revealRabbitDeadLetter', { envId, queue, position, messageId, reason: reason.trim() });
}

/** One BullMQ failed or `-dlq` job unmasked, with why. */
export function revealBullJob({ client }: Services, envId: string, queue: string, kind: 'failed' | 'dlq-queue', id: string, reason: string): Promise<Result<ResultOf<'payload.revealBullJob'>>> {
  return client.call('payload.revealBullJob', { envId, queue, kind, id, reason: reason.trim() });
}
