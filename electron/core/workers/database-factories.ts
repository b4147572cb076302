import type { ProcessorName } from '../../../shared/model/workers';
import { PgAlertNotifier } from '../database/pg-alert-notifier';
import { RabbitSinkProcessor, type RabbitSinkTable } from '../database/rabbit-sink';
import { SYSTEM_METRICS_TABLE, SYSTEMS_TABLE } from '../database/seed002-tables';
import type { FactoryContext, ProcessorFactory } from './processor-factory';

/** A seed 002 sink: the environment's RabbitMQ and PostgreSQL (the runtime checked it has both). */
function rabbitSinkFactory<Row>(table: RabbitSinkTable<Row>): ProcessorFactory {
  return (ctx: FactoryContext) => {
    const { env } = ctx.config;
    return new RabbitSinkProcessor(table, {
      amqp: env.amqp!,
      management: env.management ?? null,
      namespace: env.namespace,
      settings: ctx.settings,
      consumer: `${ctx.consumerPrefix}-${table.name}`,
      clock: ctx.deps.clock,
      logger: ctx.deps.logger,
      database: { settings: env.postgres!, logger: ctx.deps.logger, maxConnections: ctx.settings.concurrency + 1 },
    });
  };
}

/** The processors of seed 002's database (issue 17): its two sinks and the trigger path's notifier. */
export const DATABASE_FACTORIES: Partial<Record<ProcessorName, ProcessorFactory>> = {
  'rabbit-systems': rabbitSinkFactory(SYSTEMS_TABLE),
  'rabbit-metrics-store': rabbitSinkFactory(SYSTEM_METRICS_TABLE),
  'pg-alert-notifier': (ctx) =>
    new PgAlertNotifier({
      amqp: ctx.config.env.amqp!,
      postgres: ctx.config.env.postgres!,
      namespace: ctx.config.env.namespace,
      settings: ctx.settings,
      consumer: `${ctx.consumerPrefix}-pg-alert-notifier`,
      clock: ctx.deps.clock,
      logger: ctx.deps.logger,
    }),
};
