import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Result } from '../../shared/contract/result';
import type { EnvironmentInput } from '../../shared/model/environment';
import type { BullOverview } from '../../shared/model/bullmq';
import { AppCore } from '../core/app-core';
import { resolveConfigHome } from '../core/environments/config-home';
import { FileSecretStore } from '../core/environments/file-secret-store';
import { alertDetailText, alertTable, formatEnvironments, formatOverview, formatQueues, formatTest, queuesReport, statusText, table } from './cli-format';
import { sortAlerts } from '../../shared/model/alerts';
import { toCsv, toJsonl } from '../../shared/model/audit';
import { BULK_REPLAY_CONFIRM_ABOVE } from '../../shared/contract/method-groups/confirm';
import type { DlqMatch } from '../../shared/model/dlq-search';
import type { DeadLetterEntry } from '../../shared/model/dead-letter';
import { writeFile } from 'node:fs/promises';
import { moduleDir, rendererBuildProblem, rendererDir } from './paths';
import { startWebHost } from './web-host';
import type { WorkersServiceOptions } from '../core/workers/workers-service';
import { expandProcessorNames, NotificationDestinationsInput, type WorkersView } from '../../shared/model/workers';
import { parseRoutingRules } from '../core/workers/routing-rules';
import { SSH_FLAG_OPTIONS, SSH_FLAG_USAGE, sshInputFromFlags } from './ssh-flags';

const USAGE = `watchfloor — operations console for Redis Streams and RabbitMQ

Usage:
  watchfloor serve [--port N] [--demo] [--env NAME] [--rate N]   browser mode on 127.0.0.1
  watchfloor env list [--json]
  watchfloor env add --name NAME [--redis URL] [--amqp URL] [--management URL] [--postgres URL]
                     [--colour #RRGGBB] [--production] [--namespace PREFIX]
                     [--cluster HOST:PORT,HOST:PORT] [--json]
                     --cluster: Redis Cluster; the URL's host and these nodes are the seeds
${SSH_FLAG_USAGE}
  watchfloor env test NAME [--json]
  watchfloor env remove NAME
  watchfloor streams --env NAME [--json]       streams (length, added/s; per group lag, pending,
                                               oldest pending, read/s, consumers) and queues
  watchfloor queues --env NAME [--json]        RabbitMQ queues: ready, unacked, consumers,
                                               publish/deliver/ack per second
  watchfloor demo --env NAME [--rate N] [--duration SECONDS]
  watchfloor dlq list --env NAME --source DLQ [--oldest] [--count N] [--after ID] [--json]
  watchfloor dlq show ID --env NAME --source DLQ [--json]
  watchfloor dlq replay --env NAME --source DLQ (--id ID ... | --all) [--target STREAM]
                     [--dry-run] [--force] [--max-replays N] --yes [--json]
  watchfloor dlq purge --env NAME --source DLQ --older-than-hours H --yes [--json]
  watchfloor dlq search --env NAME --source DLQ [--match PATH=VALUE] [--text T] [--error E]
                     [--origin STREAM] [--max-scan N] [--json]
  watchfloor dlq groups --env NAME --source DLQ [--json]          what failed, how often
  watchfloor dlq export --env NAME --source DLQ (--id ID ... | --match …) [--out FILE]
  watchfloor dlq import --env NAME --source DLQ --in FILE --yes [--json]
  (dlq replay also takes --match/--text/--error/--origin: replays what the search finds)
  watchfloor alerts list --env NAME [--status open|acknowledged|resolved] [--severity S]
                     [--limit N] [--json]
  watchfloor alerts show ID --env NAME [--json]
  watchfloor alerts ack|escalate|reopen ID --env NAME [--reason TEXT] [--json]
  watchfloor alerts resolve ID --env NAME [--false-positive|--duplicate] [--reason TEXT] [--json]
  watchfloor alerts note ID --env NAME --text TEXT [--json]
  watchfloor alerts policy --env NAME [--set POLICY.json] [--json]   escalation policy, per severity
  watchfloor audit --env NAME [--count N] [--csv|--jsonl|--json]   the team audit stream
  watchfloor audit --local [--count N] [--csv|--jsonl|--json]      this console's own log (verified)
  watchfloor work --env NAME [--only event,alert,escalation,scan,metrics,notification,rabbitmq,…]
                     [--rules RULES.yaml] [--concurrency N] [--batch N] [--from-start] [--json]
                     [--duration S]
                     run the pipeline's consumer workers and the escalation engine headless until
                     SIGINT/SIGTERM; run it on several hosts and they share the work (consumer
                     groups, competing consumers, escalation leases). A group created by this
                     start begins at the stream's end (new entries only); --from-start makes it
                     begin at the first entry (the whole history). Existing groups keep their place
  watchfloor destinations --env NAME [--set FILE.json] [--json]   where notifications are sent

Actions are recorded as "$WATCHFLOOR_ANALYST (OS user)" (or the name set in the console).

Passwords may be given inside the URLs; they are moved to the secret store, never to the
profile file. Config folder: $WATCHFLOOR_HOME or the platform's config dir.`;

class UsageError extends Error {}

function version(): string {
  for (const candidate of ['../../package.json', '../package.json']) {
    try {
      return (JSON.parse(readFileSync(path.resolve(moduleDir(), candidate), 'utf8')) as { version: string }).version;
    } catch {
      // try the next layout
    }
  }
  return '0.0.0';
}

async function openCore(options: { startRuntimes: boolean; workerOptions?: WorkersServiceOptions }): Promise<AppCore> {
  const home = resolveConfigHome();
  return AppCore.create({
    workerOptions: options.workerOptions,
    home,
    secretStore: new FileSecretStore(home),
    mode: 'browser',
    version: version(),
    shouldStartRuntimes: options.startRuntimes,
    // One-shot commands read and act; the long-running host ingests, escalates and follows changes.
    alertOptions: { passive: !options.startRuntimes },
    writeLog: process.env.WATCHFLOOR_LOG ? (line) => process.stderr.write(line) : () => undefined,
  });
}

function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw Object.assign(new Error(result.error.message), { code: result.error.code });
  return result.value;
}

function print(value: unknown, asJson: boolean, text: () => string): void {
  process.stdout.write((asJson ? JSON.stringify(value, null, 2) : text()) + '\n');
}

/** Resolves when SIGINT/SIGTERM arrives or `seconds` pass. */
function untilStopped(seconds?: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      clearTimeout(timer);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    const timer = seconds ? setTimeout(done, seconds * 1000) : undefined;
  });
}

/** Waits until the environment's monitor has a sample (or its brokers are known to be down), at most `ms`. */
async function firstSample(core: AppCore, envId: string, ms = 8000): Promise<void> {
  const deadline = Date.now() + ms;
  const runtime = core.runtime(envId);
  while (Date.now() < deadline) {
    await runtime.monitor.tick();
    const s = runtime.monitor.snapshot();
    // A large keyspace takes several bounded SCAN steps: wait for the whole pass, not the first step.
    const redisDone = s.redis.status.state !== 'connected' ? s.redis.status.state !== 'connecting' : s.redis.streams !== null && runtime.monitor.hasDiscoveredStreams;
    const amqpDone = s.amqp.status.state !== 'connected' ? s.amqp.status.state !== 'connecting' : s.amqp.queues !== null;
    if (redisDone && amqpDone) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The BullMQ overview once the first count is in (or Redis is down / absent), within `ms`. */
async function firstBullSample(core: AppCore, envId: string, ms = 8000): Promise<BullOverview | null> {
  const bull = core.runtime(envId).bull;
  if (!bull) return null;
  const deadline = Date.now() + ms;
  for (;;) {
    await bull.tick();
    const s = bull.snapshot();
    if ((s.queues !== null && bull.hasDiscoveredQueues) || s.status.state === 'disconnected' || Date.now() >= deadline) return s;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function serve(args: string[]): Promise<number> {
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
    await waitConnected(core, env.id);
    const started = await core.call('demo.start', { envId: env.id, rate });
    process.stdout.write(started.ok ? `Demo traffic on ${env.name} at ${rate} msg/s.\n` : `Demo not started: ${started.error.message}\n`);
  }
  await untilStopped();
  process.stdout.write('Stopping…\n');
  await host.close();
  await core.close();
  return 0;
}

async function waitConnected(core: AppCore, envId: string, ms = 8000): Promise<void> {
  const deadline = Date.now() + ms;
  const runtime = core.runtime(envId);
  while (Date.now() < deadline && !(runtime.redis?.isReady ?? true) && !(runtime.amqp?.isReady ?? true)) {
    await new Promise((r) => setTimeout(r, 100));
  }
  while (Date.now() < deadline && (runtime.redis?.status.state === 'connecting' || runtime.amqp?.status.state === 'connecting')) {
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The SSH hop of `env add`, a flag mistake as a usage error. */
function sshFromFlags(values: Parameters<typeof sshInputFromFlags>[0]): EnvironmentInput['ssh'] {
  try {
    return sshInputFromFlags(values);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

async function envCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      name: { type: 'string' },
      redis: { type: 'string' },
      amqp: { type: 'string' },
      management: { type: 'string' },
      postgres: { type: 'string' },
      colour: { type: 'string' },
      production: { type: 'boolean' },
      namespace: { type: 'string' },
      cluster: { type: 'string' },
      ...SSH_FLAG_OPTIONS,
    },
  });
  const asJson = values.json ?? false;
  const core = await openCore({ startRuntimes: false });
  try {
    switch (sub) {
      case 'list': {
        const list = unwrap(await core.call('environments.list', {}));
        print(list, asJson, () => formatEnvironments(list));
        return 0;
      }
      case 'add': {
        if (!values.name) throw new UsageError('env add needs --name');
        if (values.cluster && !values.redis) throw new UsageError('--cluster needs --redis (its URL gives the user, password and TLS)');
        const clusterNodes = (values.cluster ?? '').split(',').map((node) => node.trim()).filter(Boolean);
        const input: EnvironmentInput = {
          name: values.name,
          production: values.production ?? false,
          redis: values.redis ? { url: values.redis, ...(clusterNodes.length > 0 ? { cluster: { nodes: clusterNodes } } : {}) } : null,
          amqp: values.amqp ? { url: values.amqp } : null,
          managementUrl: values.management ?? null,
          postgres: values.postgres ? { url: values.postgres } : null,
          ssh: sshFromFlags(values),
        };
        if (values.colour) input.colour = values.colour;
        if (values.namespace) input.namespace = values.namespace;
        const view = unwrap(await core.call('environments.add', input));
        print(view, asJson, () => `added ${view.name} (id ${view.id})`);
        return 0;
      }
      case 'test': {
        const env = core.environments.find(positionals[0] ?? values.name ?? '');
        const result = unwrap(await core.call('environments.test', { id: env.id }));
        print(result, asJson, () => formatTest(result));
        const failed = (['redis', 'amqp', 'management', 'postgres'] as const).some((k) => result[k].configured && !result[k].ok) || (result.ssh?.configured === true && !result.ssh.ok);
        return failed ? 1 : 0;
      }
      case 'remove': {
        const env = core.environments.find(positionals[0] ?? values.name ?? '');
        unwrap(await core.call('environments.remove', { id: env.id }));
        print({ id: env.id }, asJson, () => `removed ${env.name}`);
        return 0;
      }
      default:
        throw new UsageError(`unknown env command "${sub ?? ''}"`);
    }
  } finally {
    await core.close();
  }
}

async function streamsCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { env: { type: 'string' }, json: { type: 'boolean' } } });
  if (!values.env) throw new UsageError('streams needs --env NAME');
  const core = await openCore({ startRuntimes: false });
  try {
    const env = core.environments.find(values.env);
    await core.startRuntimes([env.id]);
    await firstSample(core, env.id);
    // A second sample a second later gives the rates (added/s, read/s).
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await core.runtime(env.id).monitor.tick();
    const overview = core.runtime(env.id).monitor.snapshot();
    print({ environment: env.name, ...overview }, values.json ?? false, () => formatOverview(env.name, overview));
    const down = (['redis', 'amqp'] as const).filter((k) => overview[k].status.state === 'disconnected');
    for (const k of down) process.stderr.write(`watchfloor: ${k === 'redis' ? 'Redis' : 'RabbitMQ'} of ${env.name} is down: ${statusText(overview[k].status)}\n`);
    return down.length > 0 ? 1 : 0;
  } finally {
    await core.close();
  }
}

/** `dlq list|show|replay|purge`: the Dead letters view's operations for runbooks. */
async function dlqCommand(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      env: { type: 'string' },
      source: { type: 'string' },
      json: { type: 'boolean' },
      oldest: { type: 'boolean' },
      count: { type: 'string' },
      after: { type: 'string' },
      id: { type: 'string', multiple: true },
      all: { type: 'boolean' },
      target: { type: 'string' },
      'dry-run': { type: 'boolean' },
      force: { type: 'boolean' },
      'max-replays': { type: 'string' },
      'older-than-hours': { type: 'string' },
      yes: { type: 'boolean' },
      match: { type: 'string' },
      text: { type: 'string' },
      error: { type: 'string' },
      origin: { type: 'string' },
      'max-scan': { type: 'string' },
      out: { type: 'string' },
      in: { type: 'string' },
    },
  });
  if (!values.env || !values.source) throw new UsageError('dlq needs --env NAME and --source DLQ');
  // --match path=value, --text, --error, --origin: a search, for search, export and replay.
  const match: DlqMatch | undefined = (() => {
    const m: DlqMatch = {};
    if (values.match) {
      const at = values.match.indexOf('=');
      if (at <= 0) throw new UsageError('--match takes a JSON field path and a value: --match event.severity=critical');
      m.field = { path: values.match.slice(0, at), value: values.match.slice(at + 1) };
    }
    if (values.text) m.text = values.text;
    if (values.error) m.error = values.error;
    if (values.origin) m.origin = values.origin;
    return Object.keys(m).length ? m : undefined;
  })();
  const asJson = values.json ?? false;
  const core = await openCore({ startRuntimes: false });
  try {
    const env = core.environments.find(values.env);
    await core.startRuntimes([env.id]);
    await waitConnected(core, env.id);
    const source = values.source;
    switch (action) {
      case 'list': {
        const page = unwrap(await core.call('dlq.list', { envId: env.id, source, order: values.oldest ? 'oldest' : 'newest', count: values.count ? Number(values.count) : 50, ...(values.after ? { after: values.after } : {}) }));
        print(page, asJson, () =>
          [
            ...page.entries.map((e) => `${e.id}  from ${e.originStream ?? '?'}  attempts ${e.attempts ?? '?'}  replays ${e.replayCount}  ${e.error ?? ''}\n    ${e.payload ? (e.payload.encoding === 'hex' ? `hex ${e.payload.preview}` : e.payload.preview) : '(no payload)'}`),
            page.nextAfter ? `(more: --after ${page.nextAfter})` : '(end)',
          ].join('\n'),
        );
        return 0;
      }
      case 'show': {
        const id = positionals[0];
        if (!id) throw new UsageError('dlq show needs an entry ID');
        const entry = unwrap(await core.call('dlq.show', { envId: env.id, source, id }));
        print(entry, asJson, () => JSON.stringify(entry, null, 2));
        return 0;
      }
      case 'replay': {
        const isDryRun = values['dry-run'] ?? false;
        if (!isDryRun && !values.yes) throw new UsageError('dlq replay changes the brokers: add --yes (or --dry-run to count first)');
        // --yes is the typed confirmation of a bulk replay: the core still issues and checks its token.
        const isBulk = !isDryRun && ((values.all ?? false) || match !== undefined || (values.id?.length ?? 0) > BULK_REPLAY_CONFIRM_ABOVE);
        const confirmToken = isBulk ? unwrap(await core.call('confirm.issue', { envId: env.id, action: 'dlq.replay', target: source, typed: source })).token : undefined;
        const outcome = unwrap(
          await core.call('dlq.replay', {
            envId: env.id,
            source,
            all: values.all ?? false,
            ...(values.id ? { ids: values.id } : {}),
            ...(match ? { match } : {}),
            ...(values.target ? { target: values.target } : {}),
            dryRun: isDryRun,
            force: values.force ?? false,
            maxReplays: values['max-replays'] ? Number(values['max-replays']) : 3,
            ...(confirmToken ? { confirmToken } : {}),
          }),
        );
        print(outcome, asJson, () =>
          [`${isDryRun ? 'would replay' : 'replayed'} ${outcome.replayed} of ${outcome.matched}; skipped ${outcome.skipped} (already gone); failed ${outcome.failed.length}`, ...Object.entries(outcome.targets).map(([t, n]) => `  → ${t}: ${n}`), ...outcome.failed.slice(0, 20).map((f) => `  ✗ ${f.id}: ${f.reason}`)].join('\n'),
        );
        return outcome.failed.length > 0 ? 1 : 0;
      }
      case 'purge': {
        if (!values['older-than-hours']) throw new UsageError('dlq purge needs --older-than-hours H');
        if (!values.yes) throw new UsageError('dlq purge deletes dead letters for good: add --yes');
        const { token } = unwrap(await core.call('confirm.issue', { envId: env.id, action: 'dlq.purge', target: source, typed: source }));
        const result = unwrap(await core.call('dlq.purge', { envId: env.id, source, olderThanMs: Math.round(Number(values['older-than-hours']) * 3_600_000), confirmToken: token }));
        print(result, asJson, () => `purged ${result.removed} entries from ${result.source}`);
        return 0;
      }
      case 'search': {
        if (!match) throw new UsageError('dlq search needs --match PATH=VALUE, --text, --error or --origin');
        const maxScan = values['max-scan'] ? Number(values['max-scan']) : 1_000_000;
        const found: DeadLetterEntry[] = [];
        let before: string | undefined;
        let scanned = 0;
        let total = 0;
        // Bounded steps, as the UI does, until the stream (or --max-scan) is covered.
        for (;;) {
          const step = unwrap(await core.call('dlq.search', { envId: env.id, source, match, maxScan: 20_000, limit: 1000, ...(before ? { before } : {}) }));
          found.push(...step.matches);
          scanned += step.scanned;
          total = step.total;
          if (!step.before || scanned >= maxScan || found.length >= 10_000) break;
          before = step.before;
        }
        print({ source, scanned, total, matches: found }, asJson, () =>
          [...found.map((e) => `${e.id}  from ${e.originStream ?? '?'}  ${e.error ?? ''}`), `${found.length} matching in ${scanned} of ${total} entries`].join('\n'),
        );
        return 0;
      }
      case 'groups': {
        const groups = unwrap(await core.call('dlq.groups', { envId: env.id, source, ...(values['max-scan'] ? { maxScan: Number(values['max-scan']) } : {}) }));
        print(groups, asJson, () =>
          [
            'by error:',
            ...groups.byError.map((g) => `  ${String(g.count).padStart(8)}  ${g.key}`),
            'by origin:',
            ...groups.byOrigin.map((g) => `  ${String(g.count).padStart(8)}  ${g.key}`),
            `${groups.scanned} of ${groups.total} entries${groups.truncated ? ' (newest only)' : ''}`,
          ].join('\n'),
        );
        return 0;
      }
      case 'export': {
        if (!match && !values.id) throw new UsageError('dlq export needs --id ID ... or a search (--match, --text, --error, --origin)');
        const result = unwrap(await core.call('dlq.export', { envId: env.id, source, ...(match ? { match } : { ids: values.id }) }));
        if (values.out) {
          await writeFile(values.out, result.lines, { mode: 0o600 });
          process.stderr.write(`exported ${result.exported} dead letters to ${values.out}\n`);
        } else process.stdout.write(result.lines);
        return 0;
      }
      case 'import': {
        if (!values.in) throw new UsageError('dlq import needs --in FILE (JSON lines from dlq export)');
        if (!values.yes) throw new UsageError('dlq import writes into the DLQ: add --yes');
        const result = unwrap(await core.call('dlq.import', { envId: env.id, source, lines: readFileSync(values.in, 'utf8') }));
        print(result, asJson, () => [`imported ${result.imported} into ${source}`, ...result.failed.map((f) => `  ✗ line ${f.line}: ${f.reason}`)].join('\n'));
        return result.failed.length > 0 ? 1 : 0;
      }
      default:
        throw new UsageError('dlq needs list, show, search, groups, replay, export, import or purge');
    }
  } finally {
    await core.close();
  }
}

async function queuesCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { env: { type: 'string' }, json: { type: 'boolean' } } });
  if (!values.env) throw new UsageError('queues needs --env NAME');
  const core = await openCore({ startRuntimes: false });
  try {
    const env = core.environments.find(values.env);
    await core.startRuntimes([env.id]);
    // The management API's rates are RabbitMQ's own, so one sample is enough.
    await firstSample(core, env.id);
    const report = queuesReport(env.name, core.runtime(env.id).monitor.snapshot(), await firstBullSample(core, env.id));
    print(report, values.json ?? false, () => formatQueues(report));
    if (report.rabbitmq?.status.state === 'disconnected') {
      process.stderr.write(`watchfloor: RabbitMQ of ${env.name} is down: ${statusText(report.rabbitmq.status)}\n`);
      return 1;
    }
    return 0;
  } finally {
    await core.close();
  }
}

async function demoCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { env: { type: 'string' }, rate: { type: 'string' }, duration: { type: 'string' } } });
  if (!values.env) throw new UsageError('demo needs --env NAME');
  const core = await openCore({ startRuntimes: false });
  try {
    const env = core.environments.find(values.env);
    await core.startRuntimes([env.id]);
    await waitConnected(core, env.id);
    const rate = values.rate ? Number(values.rate) : 20;
    unwrap(await core.call('demo.start', { envId: env.id, rate }));
    process.stdout.write(`Demo traffic on ${env.name} at ${rate} msg/s; Ctrl-C stops it.\n`);
    await untilStopped(values.duration ? Number(values.duration) : undefined);
    const status = unwrap(await core.call('demo.stop', { envId: env.id }));
    process.stdout.write(`Stopped. Produced ${status.produced.redis} to Redis, ${status.produced.amqp} to RabbitMQ (${status.produced.malformed} malformed on purpose).\n`);
    return 0;
  } finally {
    await core.close();
  }
}

/** One line per processor: what `work` prints every few seconds. */
function workersText(view: WorkersView): string {
  const rows = view.processors
    .filter((p) => p.state !== 'stopped' || p.lastError)
    .map((p) => [p.name, p.state, `${p.ratePerSec}/s`, String(p.counters.processed), String(p.counters.retries), String(p.counters.deadLettered), String(p.counters.duplicates), String(p.inFlight), p.lastError?.message ?? '']);
  const notes = view.processors.flatMap((p) => (p.state !== 'stopped' ? (p.notes ?? []).map((note) => `note: ${p.name}: ${note}`) : []));
  return [table(['processor', 'state', 'rate', 'processed', 'retries', 'dead-lettered', 'duplicates', 'in flight', 'last error'], rows), ...notes].join('\n');
}

/** `work`: the pipeline's consumer workers, headless, until stopped. */
async function workCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { env: { type: 'string' }, only: { type: 'string' }, rules: { type: 'string' }, concurrency: { type: 'string' }, batch: { type: 'string' }, 'from-start': { type: 'boolean' }, json: { type: 'boolean' }, duration: { type: 'string' }, 'every-seconds': { type: 'string' } },
  });
  if (!values.env) throw new UsageError('work needs --env NAME');
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
  const core = await openCore({ startRuntimes: false, workerOptions: { rulesYaml } });
  try {
    const env = core.environments.find(values.env);
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
  } finally {
    await core.close();
  }
}

/** `destinations`: where the notification senders deliver (secrets go to the secret store). */
async function destinationsCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { env: { type: 'string' }, set: { type: 'string' }, json: { type: 'boolean' } } });
  if (!values.env) throw new UsageError('destinations needs --env NAME');
  const core = await openCore({ startRuntimes: false });
  try {
    const env = core.environments.find(values.env);
    let view;
    if (values.set) {
      const parsed = NotificationDestinationsInput.safeParse(JSON.parse(readFileSync(values.set, 'utf8')));
      if (!parsed.success) throw new UsageError(`invalid destinations file: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      view = unwrap(await core.call('workers.setDestinations', { envId: env.id, destinations: parsed.data }));
    } else view = unwrap(await core.call('workers.destinations', { envId: env.id }));
    print(view, values.json ?? false, () => JSON.stringify(view, null, 2));
    return 0;
  } finally {
    await core.close();
  }
}

/** Runs one CLI command; resolves to the process exit code. */
/** `alerts list|show|ack|escalate|resolve|reopen|note`: triage from scripts and runbooks. */
async function alertsCommand(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      env: { type: 'string' },
      json: { type: 'boolean' },
      status: { type: 'string' },
      severity: { type: 'string' },
      limit: { type: 'string' },
      reason: { type: 'string' },
      text: { type: 'string' },
      'false-positive': { type: 'boolean' },
      duplicate: { type: 'boolean' },
      set: { type: 'string' },
    },
  });
  if (!values.env) throw new UsageError('alerts needs --env NAME');
  const asJson = values.json ?? false;
  const core = await openCore({ startRuntimes: false });
  try {
    const env = core.environments.find(values.env);
    await core.startRuntimes([env.id]);
    await waitConnected(core, env.id);
    if (action === 'list') {
      const listed = unwrap(await core.call('alerts.list', { envId: env.id, limit: values.limit ? Number(values.limit) : 20_000 }));
      const alerts = sortAlerts(listed.alerts.filter((a) => (!values.status || a.status === values.status) && (!values.severity || a.severity === values.severity)));
      print({ envId: env.id, total: listed.total, alerts }, asJson, () => alertTable(alerts, Date.now()));
      return 0;
    }
    if (action === 'policy') {
      const policy = values.set
        ? unwrap(await core.call('alerts.setPolicy', { envId: env.id, policy: JSON.parse(readFileSync(values.set, 'utf8')) as never }))
        : unwrap(await core.call('alerts.policy', { envId: env.id }));
      print(policy, asJson, () => JSON.stringify(policy, null, 2));
      return 0;
    }
    const id = positionals[0];
    if (!id) throw new UsageError(`alerts ${action ?? ''} needs an alert ID`);
    if (action === 'show') {
      const detail = unwrap(await core.call('alerts.get', { envId: env.id, id }));
      print(detail, asJson, () => alertDetailText(detail.alert, detail.next));
      return 0;
    }
    const actions: Record<string, 'ack' | 'escalate' | 'resolve' | 'reopen' | 'note'> = { ack: 'ack', escalate: 'escalate', resolve: 'resolve', reopen: 'reopen', note: 'note' };
    const chosen = action ? actions[action] : undefined;
    if (!chosen) throw new UsageError('alerts needs list, show, ack, escalate, resolve, reopen or note');
    if (chosen === 'note' && !values.text) throw new UsageError('alerts note needs --text TEXT');
    // Acts on the version read just now: if another console changes it in between, the
    // compare-and-set refuses with "changed by …" and nothing is applied.
    const current = unwrap(await core.call('alerts.get', { envId: env.id, id }));
    const resolution = values['false-positive'] ? 'false_positive' : values.duplicate ? 'duplicate' : undefined;
    const reason = chosen === 'note' ? values.text : values.reason;
    const after = unwrap(
      await core.call('alerts.act', { envId: env.id, id, expectedVersion: current.alert.version, action: chosen, ...(reason ? { reason } : {}), ...(chosen === 'resolve' && resolution ? { resolution } : {}) }),
    );
    print(after, asJson, () => `${after.id}: ${after.status}, level ${after.level} (version ${after.version}, by ${after.updatedBy})`);
    return 0;
  } finally {
    await core.close();
  }
}

/** `audit`: the environment's team audit stream, or this console's own hash-chained log. */
async function auditCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { env: { type: 'string' }, local: { type: 'boolean' }, count: { type: 'string' }, json: { type: 'boolean' }, csv: { type: 'boolean' }, jsonl: { type: 'boolean' } },
  });
  const count = values.count ? Number(values.count) : 500;
  const core = await openCore({ startRuntimes: false });
  try {
    let rows: Record<string, unknown>[];
    let columns: string[];
    let verification: { ok: boolean; message?: string } | null = null;
    if (values.local) {
      const local = unwrap(await core.call('audit.local', { count }));
      rows = local.entries.map((e) => ({ ...e, at: new Date(e.at).toISOString() }));
      columns = ['seq', 'at', 'who', 'envName', 'action', 'target', 'reason', 'before', 'after', 'hash'];
      verification = local.verification;
    } else {
      if (!values.env) throw new UsageError('audit needs --env NAME (or --local)');
      const env = core.environments.find(values.env);
      await core.startRuntimes([env.id]);
      await waitConnected(core, env.id);
      rows = unwrap(await core.call('audit.team', { envId: env.id, count })).map((e) => ({ ...e, at: new Date(e.at).toISOString() }));
      columns = ['at', 'who', 'what', 'alertId', 'reason', 'before', 'after'];
    }
    if (values.csv) process.stdout.write(toCsv(rows, columns));
    else if (values.jsonl) process.stdout.write(toJsonl(rows));
    else {
      const shown = columns.slice(0, 6);
      const cell = (v: unknown) => (v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v));
      const chain = verification ? `\n${verification.ok ? 'hash chain verified' : `HASH CHAIN BROKEN: ${verification.message ?? ''}`}` : '';
      print(values.local ? { entries: rows, verification } : rows, values.json ?? false, () => table(shown, rows.map((r) => shown.map((c) => cell(r[c])))) + chain);
    }
    return verification && !verification.ok ? 1 : 0;
  } finally {
    await core.close();
  }
}

export async function runCli(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        return await serve(rest);
      case 'env':
        return await envCommand(rest);
      case 'streams':
        return await streamsCommand(rest);
      case 'dlq':
        return await dlqCommand(rest);
      case 'queues':
        return await queuesCommand(rest);
      case 'alerts':
        return await alertsCommand(rest);
      case 'audit':
        return await auditCommand(rest);
      case 'demo':
        return await demoCommand(rest);
      case 'work':
        return await workCommand(rest);
      case 'destinations':
        return await destinationsCommand(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE + '\n');
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`watchfloor: ${(error as Error).message}\n\n${USAGE}\n`);
      return 2;
    }
    const code = (error as { code?: string }).code;
    process.stderr.write(`watchfloor: error${code ? ` [${code}]` : ''}: ${(error as Error).message}\n`);
    return 1;
  }
}

const isEntryPoint = /cli\.(c?js|ts)$/.test(process.argv[1] ?? '');
if (isEntryPoint) {
  void runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
