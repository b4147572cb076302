import { CodedError } from '../../../shared/contract/errors';
import { STREAM_ENTRY_LIMITS } from '../../../shared/model/stream-entries';
import { entriesPage } from '../brokers/redis/stream-entries';
import type { DeadLetterService } from '../dead-letters/dead-letter-service';
import { maskBullDeadJob, maskDeadLetter, maskRabbitDeadLetter, maskStreamEntry, type PayloadMasker } from '../masking';
import type { CoreContext, HandlerGroup } from './context';

/**
 * The audited reveal of one message's masked fields (issue 20). Role, write mode and both audit
 * entries (with the reason) are the dispatcher's, declared in the contract; these methods are not
 * in the masker's list, so what they answer is the message as stored.
 */
export function revealHandlers(ctx: CoreContext, deadLetters: DeadLetterService, masker: PayloadMasker): HandlerGroup<'payload.'> {
  return {
    'payload.revealDeadLetter': async ({ envId, source, id }) => {
      const entry = await deadLetters.show({ envId, source, id });
      return { entry, masked: masker.hiddenBy(envId, (m) => maskDeadLetter(structuredClone(entry), m)) };
    },
    'payload.revealStreamEntry': async ({ envId, stream, id }) => {
      const page = await entriesPage(ctx.anyRedisOf(envId), stream, { order: 'oldest', from: id, count: 1, previewBytes: STREAM_ENTRY_LIMITS.maxPreviewBytes }, ctx.runtime(envId).env.payloadKey);
      const entry = page.entries[0];
      if (!entry || entry.id !== id) throw new CodedError('NOT_FOUND', `no entry ${id} in ${stream}`);
      return { entry, masked: masker.hiddenBy(envId, (m) => maskStreamEntry(structuredClone(entry), m)) };
    },
    'payload.revealRabbitDeadLetter': async ({ envId, queue, position, messageId }) => {
      const message = await deadLetters.rabbitMessage(envId, queue, position, messageId);
      return { message, masked: masker.hiddenBy(envId, (m) => maskRabbitDeadLetter(message, m)) };
    },
    'payload.revealBullJob': async ({ envId, queue, kind, id }) => {
      const job = await deadLetters.bullJob(envId, queue, kind, id);
      return { job, masked: masker.hiddenBy(envId, (m) => maskBullDeadJob(job, m)) };
    },
  };
}
