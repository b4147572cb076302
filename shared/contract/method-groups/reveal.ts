import { z } from 'zod';
import { write } from '../access';
import { DeadLetterEntry } from '../../model/dead-letter';
import { StreamEntry } from '../../model/stream-entries';
import { RabbitDeadLetter } from '../../model/rabbit-dlq';
import { BullDeadJob } from '../../model/bull-dlq';
import { EntryId, EnvId, StreamName } from './common';

/** Why someone needs to see what is masked: kept in both audit logs. */
const RevealReason = z.string().trim().min(3, 'give a reason (it is written to the audit logs)').max(500);

/**
 * The audited reveal of masked payload fields (issue 20): one message, an operator or admin, a
 * reason. The answer is the message unmasked (not passed through the masking of the dispatcher);
 * the entry in this console's log and on the team audit stream names which rules had hidden something.
 */
export const revealMethods = {
  'payload.revealDeadLetter': write({
    params: z.object({ envId: EnvId, source: StreamName, id: EntryId, reason: RevealReason }).strict(),
    result: z.object({ entry: DeadLetterEntry, masked: z.array(z.string()) }),
    access: 'operator',
    audit: { action: 'payload.reveal', target: (p) => `${p.source}/${p.id}`, reason: (p) => p.reason, detail: (r) => ({ revealed: r.masked }) },
  }),
  'payload.revealStreamEntry': write({
    params: z.object({ envId: EnvId, stream: StreamName, id: EntryId, reason: RevealReason }).strict(),
    result: z.object({ entry: StreamEntry, masked: z.array(z.string()) }),
    access: 'operator',
    audit: { action: 'payload.reveal', target: (p) => `${p.stream}/${p.id}`, reason: (p) => p.reason, detail: (r) => ({ revealed: r.masked }) },
  }),
  /**
   * A message of a RabbitMQ DLQ, as browsed: the one at `position` of the head, checked by its
   * message id (null when it has none); when the queue moved and the id is set, the head is looked
   * through for it. Browsing takes unacknowledged and puts back: nothing is removed or rewritten.
   */
  'payload.revealRabbitDeadLetter': write({
    params: z.object({ envId: EnvId, queue: z.string().min(1).max(255), position: z.number().int().min(1).max(200), messageId: z.string().max(1024).nullable(), reason: RevealReason }).strict(),
    result: z.object({ message: RabbitDeadLetter, masked: z.array(z.string()) }),
    access: 'operator',
    audit: { action: 'payload.reveal', target: (p) => `${p.queue}/${p.messageId ?? `#${p.position}`}`, reason: (p) => p.reason, detail: (r) => ({ revealed: r.masked }) },
  }),
  /** A failed job of a BullMQ queue, or a job of a `{queue}-dlq` queue, by id. */
  'payload.revealBullJob': write({
    params: z.object({ envId: EnvId, queue: z.string().min(1).max(255), kind: z.enum(['failed', 'dlq-queue']), id: z.string().min(1).max(256), reason: RevealReason }).strict(),
    result: z.object({ job: BullDeadJob, masked: z.array(z.string()) }),
    access: 'operator',
    audit: { action: 'payload.reveal', target: (p) => `${p.queue}/${p.id}`, reason: (p) => p.reason, detail: (r) => ({ revealed: r.masked }) },
  }),
} as const;
