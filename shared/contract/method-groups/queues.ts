import { z } from 'zod';
import { ConfirmToken } from './confirm';
import { write } from '../access';
import { QueueHistory } from '../../model/overview';
import { RabbitBroker } from '../../model/rabbit-broker';
import { EnvId, HistoryWindow, StoredRange } from './common';

/** A RabbitMQ queue name (AMQP short string: at most 255 bytes). */
export const QueueName = z.string().min(1).max(255);

/** RabbitMQ queues: history for the detail charts and purge with typed confirmation. */
export const queueMethods = {
  'queues.history': {
    params: z
      .object({
        envId: EnvId,
        queue: QueueName,
        ...HistoryWindow,
      })
      .strict(),
    result: QueueHistory,
  },
  /** A queue's history past the live hour, from the environment's database: 24 h in 5-minute, 7 d in 1-hour buckets. */
  'queues.storedHistory': {
    params: z.object({ envId: EnvId, queue: QueueName, range: StoredRange }).strict(),
    result: QueueHistory,
  },
  /** RabbitMQ's nodes (memory, disk, alarms), connections and channels, from the management API. */
  'queues.rabbitBroker': {
    params: z.object({ envId: EnvId }).strict(),
    result: RabbitBroker,
  },
  'queues.purge': write({
    params: z
      .object({
        envId: EnvId,
        queue: QueueName,
        /** From `confirm.issue` (action `queues.purge`, target the queue, its name typed). */
        confirmToken: ConfirmToken,
      })
      .strict(),
    result: z.object({ queue: z.string(), purged: z.number() }),
    access: 'admin',
    confirm: { action: 'queues.purge', target: (p) => p.queue },
    audit: { target: (p) => p.queue, count: (r) => r.purged },
  }),
} as const;
