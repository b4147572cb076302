import { parseArgs } from 'node:util';
import { rendererBuildProblem, rendererDir } from '../paths';
import { startWebHost } from '../web-host';
import { openCore, untilStopped, type CliCommand } from '../cli-kit';

/** `serve`: browser mode on 127.0.0.1, until SIGINT/SIGTERM. */
export const serveCommand: CliCommand = {
  name: 'serve',
  usage: '  watchfloor serve [--port N] [--demo] [--env NAME] [--rate N]   browser mode on 127.0.0.1',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: { port: { type: 'string' }, demo: { type: 'boolean' }, env: { type: 'string' }, rate: { type: 'string' } },
    });
    const staticDir = rendererDir();
    const notBuilt = rendererBuildProblem(staticDir);
    if (notBuilt) {
      process.stderr.write(`watchfloor: ${notBuilt}\n`);
      return 1;
    }
    const core = await openCore({ startRuntimes: true });
    const host = await startWebHost({ core, staticDir, port: values.port ? Number(values.port) : 0 });
    process.stdout.write(`Watchfloor browser mode: open ${host.openUrl}\n(listening on ${host.url} only; the token in the link is required)\n`);
    if (values.demo) {
      const env = core.environments.find(values.env ?? core.environments.list()[0]?.id ?? 'local');
      const rate = values.rate ? Number(values.rate) : 20;
      await core.whenConnected(env.id);
      const started = await core.call('demo.start', { envId: env.id, rate });
      process.stdout.write(started.ok ? `Demo traffic on ${env.name} at ${rate} msg/s.\n` : `Demo not started: ${started.error.message}\n`);
    }
    await untilStopped();
    process.stdout.write('Stopping…\n');
    await host.close();
    await core.close();
    return 0;
  },
};
