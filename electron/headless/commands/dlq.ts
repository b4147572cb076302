import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { BULK_REPLAY_CONFIRM_ABOVE } from '../../../shared/contract/method-groups/confirm';
import type { DlqMatch } from '../../../shared/model/dlq-search';
import { describeCheck, type DeadLetterEntry } from '../../../shared/model/dead-letter';
import type { AppCore } from '../../core/app-core';
import { print, unwrap, UsageError, withEnvironment, type CliCommand } from '../cli-kit';
import { replayAsJob } from './replay-jobs';
import type { SavedSearchView } from '../../../shared/model/saved-searches';
import { recordSavedRun, resolveSavedSearch, savedRunLine } from './searches';
import { MASK_MARK } from '../../../shared/model/masking';

const DLQ_OPTIONS = {
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
  job: { type: 'boolean' },
  rate: { type: 'string' },
  batch: { type: 'string' },
  detach: { type: 'boolean' },
  saved: { type: 'string' },
  broker: { type: 'string' },
  kind: { type: 'string' },
} as const;

const parse = (args: string[]) => parseArgs({ args, allowPositionals: true, options: DLQ_OPTIONS });
type Values = ReturnType<typeof parse>['values'];

/** What one `dlq` action is given: the core, the environment, the DLQ, the flags and the search. */
interface DlqContext {
  core: AppCore;
  envId: string;
  source: string;
  values: Values;
  positionals: string[];
  match: DlqMatch | undefined;
  asJson: boolean;
  /** `--saved NAME`: the saved search the match came from (its last count is updated after the run). */
  saved?: SavedSearchView;
}

/** --match path=value, --text, --error, --origin: a search, for search, export and replay. */
function matchOf(values: Values): DlqMatch | undefined {
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
}

async function list({ core, envId, source, values, asJson }: DlqContext): Promise<number> {
  const page = unwrap(await core.call('dlq.list', { envId, source, order: values.oldest ? 'oldest' : 'newest', count: values.count ? Number(values.count) : 50, ...(values.after ? { after: values.after } : {}) }));
  print(page, asJson, () =>
    [
      ...page.entries.map((e) => `${e.id}  from ${e.originStream ?? '?'}  attempts ${e.attempts ?? '?'}  replays ${e.replayCount}  ${e.error ?? ''}\n    ${e.payload ? (e.payload.encoding === 'hex' && !e.payload.preview.startsWith(MASK_MARK) ? `hex ${e.payload.preview}` : e.payload.preview) : '(no payload)'}`),
      page.nextAfter ? `(more: --after ${page.nextAfter})` : '(end)',
    ].join('\n'),
  );
  return 0;
}

async function show({ core, envId, source, positionals, asJson }: DlqContext): Promise<number> {
  const id = positionals[0];
  if (!id) throw new UsageError('dlq show needs an entry ID');
  const entry = unwrap(await core.call('dlq.show', { envId, source, id }));
  print(entry, asJson, () => JSON.stringify(entry, null, 2));
  return 0;
}

async function replay({ core, envId, source, values, match, asJson }: DlqContext): Promise<number> {
  const isDryRun = values['dry-run'] ?? false;
  if (!isDryRun && !values.yes) throw new UsageError('dlq replay changes the brokers: add --yes (or --dry-run to count first)');
  if (values.job) return replayAsJob({ core, envId, broker: values.broker, bullKind: values.kind, count: values.count, source, ids: values.id, all: values.all ?? false, match, target: values.target, maxReplays: values['max-replays'] ? Number(values['max-replays']) : 3, force: values.force ?? false, rate: values.rate, batch: values.batch, isDetached: values.detach ?? false, isDryRun, asJson });
  if (values.broker !== undefined && values.broker !== 'redis') throw new UsageError(`a ${values.broker} replay from the command line runs as a job: add --job`);
  // --yes is the typed confirmation of a bulk replay: the core still issues and checks its token.
  const isBulk = !isDryRun && ((values.all ?? false) || match !== undefined || (values.id?.length ?? 0) > BULK_REPLAY_CONFIRM_ABOVE);
  const confirmToken = isBulk ? unwrap(await core.call('confirm.issue', { envId, action: 'dlq.replay', target: source, typed: source })).token : undefined;
  const outcome = unwrap(
    await core.call('dlq.replay', {
      envId,
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
    [
      `${isDryRun ? 'would replay' : 'replayed'} ${outcome.replayed} of ${outcome.matched}; skipped ${outcome.skipped} (already gone); failed ${outcome.failed.length}`,
      ...Object.entries(outcome.targets).map(([t, n]) => `  → ${t}: ${n}`),
      ...outcome.failed.slice(0, 20).map((f) => `  ✗ ${f.id}: ${f.reason}`),
      // A dry run's verdict, in the words the replay dialog uses.
      ...(outcome.check ? [`check: ${describeCheck(outcome.check)}`] : []),
    ].join('\n'),
  );
  return outcome.failed.length > 0 ? 1 : 0;
}

async function purge({ core, envId, source, values, asJson }: DlqContext): Promise<number> {
  if (!values['older-than-hours']) throw new UsageError('dlq purge needs --older-than-hours H');
  if (!values.yes) throw new UsageError('dlq purge deletes dead letters for good: add --yes');
  const { token } = unwrap(await core.call('confirm.issue', { envId, action: 'dlq.purge', target: source, typed: source }));
  const result = unwrap(await core.call('dlq.purge', { envId, source, olderThanMs: Math.round(Number(values['older-than-hours']) * 3_600_000), confirmToken: token }));
  print(result, asJson, () => `purged ${result.removed} entries from ${result.source}`);
  return 0;
}

async function search({ core, envId, source, values, match, asJson, saved }: DlqContext): Promise<number> {
  if (!match) throw new UsageError('dlq search needs --match PATH=VALUE, --text, --error or --origin');
  const maxScan = values['max-scan'] ? Number(values['max-scan']) : 1_000_000;
  const found: DeadLetterEntry[] = [];
  let before: string | undefined;
  let scanned = 0;
  let total = 0;
  /** The whole stream was searched (not stopped by --max-scan or the 10,000 cap): the count is exact. */
  let isComplete = false;
  // Bounded steps, as the UI does, until the stream (or --max-scan) is covered.
  for (;;) {
    const step = unwrap(await core.call('dlq.search', { envId, source, match, maxScan: 20_000, limit: 1000, ...(before ? { before } : {}) }));
    found.push(...step.matches);
    scanned += step.scanned;
    total = step.total;
    // Progress for a person at a terminal only: stdout stays the result (and --json parseable).
    if (process.stderr.isTTY) process.stderr.write(`\rscanned ${scanned} of ${total}, ${found.length} matching`);
    isComplete = !step.before;
    if (!step.before || scanned >= maxScan || found.length >= 10_000) break;
    before = step.before;
  }
  if (process.stderr.isTTY) process.stderr.write('\n');
  if (saved) await recordSavedRun(core, envId, saved, found.length, isComplete, saved.query.kind === 'dlq' && !saved.query.source ? source : undefined);
  print({ source, scanned, total, matches: found, ...(saved ? { saved: { name: saved.name, previousRun: saved.lastRun } } : {}) }, asJson, () =>
    [
      ...found.map((e) => `${e.id}  from ${e.originStream ?? '?'}  ${e.error ?? ''}`),
      `${found.length} matching in ${scanned} of ${total} entries`,
      ...(saved ? [savedRunLine(saved, found.length, isComplete)] : []),
    ].join('\n'),
  );
  return 0;
}

async function groups({ core, envId, source, values, asJson }: DlqContext): Promise<number> {
  const result = unwrap(await core.call('dlq.groups', { envId, source, ...(values['max-scan'] ? { maxScan: Number(values['max-scan']) } : {}) }));
  print(result, asJson, () =>
    [
      'by error:',
      ...result.byError.map((g) => `  ${String(g.count).padStart(8)}  ${g.key}`),
      'by origin:',
      ...result.byOrigin.map((g) => `  ${String(g.count).padStart(8)}  ${g.key}`),
      `${result.scanned} of ${result.total} entries${result.truncated ? ' (newest only)' : ''}`,
    ].join('\n'),
  );
  return 0;
}

async function exportLines({ core, envId, source, values, match }: DlqContext): Promise<number> {
  if (!match && !values.id) throw new UsageError('dlq export needs --id ID ... or a search (--match, --text, --error, --origin)');
  const result = unwrap(await core.call('dlq.export', { envId, source, ...(match ? { match } : { ids: values.id }) }));
  if (values.out) {
    await writeFile(values.out, result.lines, { mode: 0o600 });
    process.stderr.write(`exported ${result.exported} dead letters to ${values.out}\n`);
  } else process.stdout.write(result.lines);
  return 0;
}

async function importLines({ core, envId, source, values, asJson }: DlqContext): Promise<number> {
  if (!values.in) throw new UsageError('dlq import needs --in FILE (JSON lines from dlq export)');
  if (!values.yes) throw new UsageError('dlq import writes into the DLQ: add --yes');
  const result = unwrap(await core.call('dlq.import', { envId, source, lines: readFileSync(values.in, 'utf8') }));
  print(result, asJson, () => [`imported ${result.imported} into ${source}`, ...result.failed.map((f) => `  ✗ line ${f.line}: ${f.reason}`)].join('\n'));
  return result.failed.length > 0 ? 1 : 0;
}

const ACTIONS: Record<string, (context: DlqContext) => Promise<number>> = { list, show, replay, purge, search, groups, export: exportLines, import: importLines };

/** `dlq list|show|search|groups|replay|export|import|purge`: the Dead letters view's operations for runbooks. */
export const dlqCommand: CliCommand = {
  name: 'dlq',
  usage: `  watchfloor dlq list --env NAME --source DLQ [--oldest] [--count N] [--after ID] [--json]
  watchfloor dlq show ID --env NAME --source DLQ [--json]
  watchfloor dlq replay --env NAME --source DLQ (--id ID ... | --all) [--target STREAM]
                     [--dry-run] [--force] [--max-replays N] --yes [--json]
                     [--job [--rate N] [--batch N] [--detach]]   as a job: rate cap, pause, resume
  watchfloor dlq replay --job --broker rabbitmq --env NAME --source QUEUE (--count N | --all) …
  watchfloor dlq replay --job --broker bullmq [--kind failed|dlq-queue] --env NAME --source QUEUE (--id JOB ... | --all) …
  watchfloor dlq purge --env NAME --source DLQ --older-than-hours H --yes [--json]
  watchfloor dlq search --env NAME --source DLQ [--match PATH=VALUE] [--text T] [--error E]
                     [--origin STREAM] [--max-scan N] [--json]
  watchfloor dlq search --env NAME --saved NAME [--source DLQ] [--json]   a saved search (searches list)
  watchfloor dlq groups --env NAME --source DLQ [--json]          what failed, how often
  watchfloor dlq export --env NAME --source DLQ (--id ID ... | --match …) [--out FILE]
  watchfloor dlq import --env NAME --source DLQ --in FILE --yes [--json]
  (dlq replay also takes --match/--text/--error/--origin: replays what the search finds)`,
  async run(args) {
    const [action, ...rest] = args;
    const { values, positionals } = parse(rest);
    const savedName = values.saved;
    if (savedName !== undefined && action !== 'search') throw new UsageError('--saved goes with dlq search');
    if (!values.env || (!values.source && savedName === undefined)) throw new UsageError('dlq needs --env NAME and --source DLQ');
    const match = matchOf(values);
    if (savedName !== undefined && match) throw new UsageError('give --saved NAME or the search flags (--match, --text, --error, --origin), not both');
    return withEnvironment(values.env, 'connected', async (core, env) => {
      const run = action !== undefined && Object.hasOwn(ACTIONS, action) ? ACTIONS[action] : undefined;
      if (!run) throw new UsageError('dlq needs list, show, search, groups, replay, export, import or purge');
      const saved = savedName === undefined ? undefined : await resolveSavedSearch(core, env, savedName, 'dlq');
      const savedQuery = saved?.query.kind === 'dlq' ? saved.query : undefined;
      const source = values.source ?? savedQuery?.source;
      if (!source) throw new UsageError(`saved search "${saved?.name ?? ''}" names no DLQ: add --source DLQ`);
      return run({ core, envId: env.id, source, values, positionals, match: savedQuery?.match ?? match, asJson: values.json ?? false, ...(saved ? { saved } : {}) });
    });
  },
};
