import { parseArgs } from 'node:util';
import { required, unwrap, untilStopped, withEnvironment, type CliCommand } from '../cli-kit';

/** `demo`: seed-shaped traffic into an environment until stopped or `--duration` passes. */
export const demoCommand: CliCommand = {
  name: 'demo',
  usage: '  watchfloor demo --env NAME [--rate N] [--duration SECONDS]',
  async run(args) {
    const { values } = parseArgs({ args, options: { env: { type: 'string' }, rate: { type: 'string' }, duration: { type: 'string' } } });
    return withEnvironment(required(values.env, 'demo needs --env NAME'), 'connected', async (core, env) => {
      const rate = values.rate ? Number(values.rate) : 20;
      unwrap(await core.call('demo.start', { envId: env.id, rate }));
      process.stdout.write(`Demo traffic on ${env.name} at ${rate} msg/s; Ctrl-C stops it.\n`);
      await untilStopped(values.duration ? Number(values.duration) : undefined);
      const status = unwrap(await core.call('demo.stop', { envId: env.id }));
      process.stdout.write(`Stopped. Produced ${status.produced.redis} to Redis, ${status.produced.amqp} to RabbitMQ (${status.produced.malformed} malformed on purpose).\n`);
      return 0;
    });
  },
};
