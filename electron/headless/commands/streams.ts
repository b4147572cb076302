import { parseArgs } from 'node:util';
import { parseStreamPosition } from '../../../shared/model/stream-entries';
import { formatEntries, formatOverview, formatQueues, queuesReport, statusText } from '../cli-format';
import { print, required, unwrap, UsageError, withEnvironment, type CliCommand } from '../cli-kit';

const envFlags = { env: { type: 'string' }, json: { type: 'boolean' } } as const;

/** `streams`: the Overview's stream and queue depth, once. */
export const streamsCommand: CliCommand = {
  name: 'streams',
  usage: `  watchfloor streams --env NAME [--json]       streams (length, added/s; per group lag, pending,
                                               oldest pending, read/s, consumers) and queues`,
  async run(args) {
    const { values } = parseArgs({ args, options: envFlags });
    return withEnvironment(required(values.env, 'streams needs --env NAME'), 'started', async (core, env) => {
      // A second sample a second later gives the rates (added/s, read/s).
      const overview = await core.firstOverview(env.id, { rates: true });
      print({ environment: env.name, ...overview }, values.json ?? false, () => formatOverview(env.name, overview));
      const down = (['redis', 'amqp'] as const).filter((k) => overview[k].status.state === 'disconnected');
      for (const k of down) process.stderr.write(`watchfloor: ${k === 'redis' ? 'Redis' : 'RabbitMQ'} of ${env.name} is down: ${statusText(overview[k].status)}\n`);
      return down.length > 0 ? 1 : 0;
    });
  },
};

/** `queues`: RabbitMQ's queues (and BullMQ's), once. */
export const queuesCommand: CliCommand = {
  name: 'queues',
  usage: `  watchfloor queues --env NAME [--json]        RabbitMQ queues: ready, unacked, consumers,
                                               publish/deliver/ack per second`,
  async run(args) {
    const { values } = parseArgs({ args, options: envFlags });
    return withEnvironment(required(values.env, 'queues needs --env NAME'), 'started', async (core, env) => {
      // The management API's rates are RabbitMQ's own, so one sample is enough.
      const report = queuesReport(env.name, await core.firstOverview(env.id), await core.firstBullOverview(env.id));
      print(report, values.json ?? false, () => formatQueues(report));
      if (report.rabbitmq?.status.state === 'disconnected') {
        process.stderr.write(`watchfloor: RabbitMQ of ${env.name} is down: ${statusText(report.rabbitmq.status)}\n`);
        return 1;
      }
      return 0;
    });
  },
};

/** `entries`: a page of one stream's entries with their fields (the Streams view's entry browser). */
export const entriesCommand: CliCommand = {
  name: 'entries',
  usage: `  watchfloor entries --env NAME --stream S [--oldest] [--from ID|MS|DATE] [--after ID] [--count N] [--json]
                                               a stream's entries, newest first, every field
                                               (binary as hex, values cut at 1 KiB; --json for all)`,
  async run(args) {
    const { values } = parseArgs({
      args,
      options: { ...envFlags, stream: { type: 'string' }, oldest: { type: 'boolean' }, from: { type: 'string' }, after: { type: 'string' }, count: { type: 'string' } },
    });
    const stream = required(values.stream, 'entries needs --stream NAME');
    const from = values.from === undefined ? undefined : parseStreamPosition(values.from);
    if (from === null) throw new UsageError(`--from "${values.from}" is not an entry id (1700000000000-0), a millisecond time or a date and time`);
    const count = values.count === undefined ? 20 : Number(values.count);
    if (!Number.isInteger(count) || count < 1 || count > 200) throw new UsageError('--count takes 1 to 200');
    return withEnvironment(required(values.env, 'entries needs --env NAME'), 'connected', async (core, env) => {
      const page = unwrap(
        await core.call('streams.entries', { envId: env.id, stream, order: values.oldest ? 'oldest' : 'newest', count, ...(values.after ? { after: values.after } : from ? { from } : {}) }),
      );
      print(page, values.json ?? false, () => formatEntries(page));
      return 0;
    });
  },
};
