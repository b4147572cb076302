import { CodedError } from '../../../shared/contract/errors';
import { MASK_MARK } from '../../../shared/model/masking';
import type { DeadLetterService } from '../dead-letters/dead-letter-service';
import type { HandlerGroup } from './context';

/**
 * Dead letters on Redis DLQ streams, BullMQ and RabbitMQ: contract ↔ {@link DeadLetterService}.
 * Who may replay (not a dry run), import and purge, which calls need a confirmation token and what
 * each records in the audit logs is declared in the contract and enforced by the dispatcher; the
 * handlers add the before/after figures the service returns.
 */
export function dlqHandlers(service: DeadLetterService): HandlerGroup<'dlq.'> {
  return {
    'dlq.sources': async (params) => service.sources(params),
    'dlq.list': async (params) => service.list(params),
    'dlq.show': async (params) => service.show(params),
    'dlq.checkPayload': async (params) => service.checkPayload(params),
    'dlq.replay': async (params) => service.replay(params),
    'dlq.replayEdited': async (params, call) => {
      // An edit started from a masked preview would replay the masks as the payload (issue 20).
      if (params.payload.includes(MASK_MARK)) throw new CodedError('VALIDATION', 'the payload still holds masked values (••• masked …): reveal the entry first, then edit it');
      const result = await service.replayEdited(params);
      // The original and the change go to the audit entry (the payload itself may be sensitive:
      // this console's log is local, 0600, and hash-chained; the team stream gets no payload).
      call.note({
        before: { payload: result.original },
        after: { status: result.status, target: result.target, newId: result.newId, diff: result.diff, reEncrypted: result.reEncrypted },
        ...(result.reason ? { reason: result.reason } : {}),
      });
      const { original: _original, diff: _diff, ...answer } = result;
      return answer;
    },
    'dlq.bullSources': async (params) => service.bullSources(params),
    'dlq.bullList': async (params) => service.bullList(params),
    'dlq.bullRetry': async (params) => service.bullRetry(params),
    'dlq.rabbitSources': async (params) => service.rabbitSources(params),
    'dlq.rabbitBrowse': async (params) => service.rabbitBrowse(params),
    'dlq.rabbitReplay': async (params) => service.rabbitReplay(params),
    'dlq.search': async (params) => service.search(params),
    'dlq.groups': async (params) => service.groups(params),
    'dlq.export': async (params) => service.export(params),
    'dlq.import': async (params) => service.import(params),
    'dlq.purgeIds': async (params, call) => {
      const { lengthBefore, lengthAfter, ...answer } = await service.purgeIds(params);
      call.note({ before: { length: lengthBefore }, after: { length: lengthAfter } });
      return answer;
    },
    'dlq.purge': async (params, call) => {
      const { lengthBefore, lengthAfter, ...answer } = await service.purge(params);
      call.note({ before: { length: lengthBefore }, after: { length: lengthAfter } });
      return answer;
    },
  };
}
