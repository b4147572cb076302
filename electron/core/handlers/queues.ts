import { CodedError } from '../../../shared/contract/errors';
import { purgeQueue } from '../brokers/rabbitmq/queue-purge';
import { readRabbitBroker } from '../brokers/rabbitmq/rabbit-broker';
import { storedSamples } from '../database/minute-samples';
import type { CoreContext, HandlerGroup } from './context';

/** RabbitMQ queues: history and purge (admin, typed confirmation, audited: declared in the contract, enforced by the dispatcher). */
export function queueHandlers(ctx: CoreContext): HandlerGroup<'queues.'> {
  return {
    'queues.history': async ({ envId, queue, windowSeconds, maxPoints }) => {
      const history = ctx.runtime(envId).monitor.queueHistory;
      if (!history.knows(queue)) throw new CodedError('NOT_FOUND', `no queue "${queue}" has been seen in this environment`);
      return history.query(queue, ctx.clock.now(), windowSeconds, maxPoints);
    },
    'queues.storedHistory': async ({ envId, queue, range }) => storedSamples(ctx.runtime(envId).queueSamples, 'queue history').rabbitHistory(queue, range, ctx.clock.now()),
    'queues.rabbitBroker': async ({ envId }) => {
      const runtime = ctx.runtime(envId);
      if (!runtime.env.amqp) throw new CodedError('NOT_FOUND', 'this environment has no RabbitMQ');
      if (!runtime.management) throw new CodedError('UNSUPPORTED', 'connections, channels and node alarms come from the RabbitMQ management API, and this environment names none: enable rabbitmq_management and set its URL');
      return readRabbitBroker(runtime.management, ctx.clock.now());
    },
    'queues.purge': async ({ envId, queue }) => {
      const runtime = ctx.runtime(envId);
      if (!runtime.amqp) throw new CodedError('NOT_FOUND', 'this environment has no RabbitMQ');
      const result = await purgeQueue(runtime.amqp, queue);
      void runtime.monitor.tick();
      return { queue, ...result };
    },
  };
}
