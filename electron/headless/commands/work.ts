import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { expandProcessorNames, NotificationDestinationsInput, type WorkersView } from '../../../shared/model/workers';
import { parseRoutingRules } from '../../core/workers/routing-rules';
import { table } from '../cli-format';
import { print, required, unwrap, untilStopped, UsageError, withCore, type CliCommand } from '../cli-kit';

/** One line per processor: what `work` prints every few seconds. */
function workersText(view: WorkersView): string {
  const rows = view.processors
    .filter((p) => p.state !== 'stopped' || p.lastError)
    .map((p) => [p.name, p.state, `${p.ratePerSec}/s`, String(p.counters.processed), String(p.counters.retries), String(p.counters.deadLettered), String(p.counters.duplicates), String(p.inFlight), p.lastError?.message ?? '']);
  const notes = view.processors.flatMap((p) => (p.state !== 'stopped' ? (p.notes ?? []).map((note) => `note: ${p.name}: ${note}`) : []));
  return [table(['processor', 'state', 'rate', 'processed', 'retries', 'dead-lettered', 'duplicates', 'in flight', 'last error'], rows), ...notes].join('\n');
}

/** `work`: the pipeline's consumer workers, headless, until stopped. */
export const workCommand: CliCommand = {
  name: 'work',
  usage: `  watchfloor work --env NAME [--only event,alert,escalation,scan,metrics,notification,rabbitmq,…]
                     [--rules RULES.yaml] [--concurrency N] [--batch N] [--from-start] [--json]
                     [--duration S]
                     run the pipeline's consumer workers and the escalation engine headless until
                     SIGINT/SIGTERM; run it on several hosts and they share the work (consumer
                     groups, competing consumers, escalation leases). A group created by this
                     start begins at the stream's end (new entries only); --from-start makes it
                     begin at the first entry (the whole history). Existing groups keep their place`,
  async run(args) {
    const { values } = parseArgs({
      args,
      options: { env: { type: 'string' }, only: { type: 'string' }, rules: { type: 'string' }, concurrency: { type: 'string' }, batch: { type: 'string' }, 'from-start': { type: 'boolean' }, json: { type: 'boolean' }, duration: { type: 'string' }, 'every-seconds': { type: 'string' } },
    });
    const envName = required(values.env, 'work needs --env NAME');
    let only: ReturnType<typeof expandProcessorNames> | undefined;
    try {
      only = values.only ? expandProcessorNames(values.only.split(',').map((w) => w.trim()).filter(Boolean)) : undefined;
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    let rulesYaml: string | undefined;
    if (values.rules) {
      rulesYaml = readFileSync(values.rules, 'utf8');
      parseRoutingRules(rulesYaml); // refuse a bad file before anything starts, naming the rule
    }
    return withCore(
      async (core) => {
        const env = core.environments.find(envName);
        const started = unwrap(await core.call('workers.start', { envId: env.id, only, ...(values['from-start'] ? { fromStart: true } : {}) }));
        for (const name of only ?? []) {
          const p = started.processors.find((x) => x.name === name);
          if (p?.unavailable) process.stderr.write(`watchfloor: ${name} cannot run: ${p.unavailable}\n`);
        }
        const settings = { ...(values.concurrency ? { concurrency: Number(values.concurrency) } : {}), ...(values.batch ? { batch: Number(values.batch) } : {}) };
        if (Object.keys(settings).length) {
          for (const p of started.processors.filter((x) => x.state !== 'stopped')) unwrap(await core.call('workers.configure', { envId: env.id, processor: p.name, settings }));
        }
        const running = started.processors.filter((p) => p.state !== 'stopped').map((p) => p.name);
        if (!running.length) {
          process.stderr.write(`watchfloor: no processor could start on ${env.name}\n`);
          return 1;
        }
        if (!values.json) process.stdout.write(`Workers on ${env.name} (${running.join(', ')}); SIGINT or SIGTERM stops them.\n`);
        const report = async () => {
          const view = unwrap(await core.call('workers.list', { envId: env.id }));
          process.stdout.write(values.json ? `${JSON.stringify(view)}\n` : `${workersText(view)}\n`);
        };
        const timer = setInterval(() => void report(), Number(values['every-seconds'] ?? 5) * 1000);
        await untilStopped(values.duration ? Number(values.duration) : undefined);
        clearInterval(timer);
        const stopped = unwrap(await core.call('workers.stop', { envId: env.id }));
        if (!values.json) process.stdout.write('Stopped; entries not yet acknowledged stay pending for the other consumers.\n');
        else process.stdout.write(`${JSON.stringify(stopped)}\n`);
        return 0;
      },
      { startRuntimes: false, workerOptions: { rulesYaml } },
    );
  },
};

/** `destinations`: where the notification senders deliver (secrets go to the secret store). */
export const destinationsCommand: CliCommand = {
  name: 'destinations',
  usage: '  watchfloor destinations --env NAME [--set FILE.json] [--json]   where notifications are sent',
  async run(args) {
    const { values } = parseArgs({ args, options: { env: { type: 'string' }, set: { type: 'string' }, json: { type: 'boolean' } } });
    const envName = required(values.env, 'destinations needs --env NAME');
    return withCore(async (core) => {
      const env = core.environments.find(envName);
      let view;
      if (values.set) {
        const parsed = NotificationDestinationsInput.safeParse(JSON.parse(readFileSync(values.set, 'utf8')));
        if (!parsed.success) throw new UsageError(`invalid destinations file: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
        view = unwrap(await core.call('workers.setDestinations', { envId: env.id, destinations: parsed.data }));
      } else view = unwrap(await core.call('workers.destinations', { envId: env.id }));
      print(view, values.json ?? false, () => JSON.stringify(view, null, 2));
      return 0;
    });
  },
};
