import { parseArgs } from 'node:util';
import type { DlqMatch } from '../../../shared/model/dlq-search';
import { REPLAY_LINEAGE_FIELD } from '../../../shared/model/dead-letter';
import { BullJobKind, describeJobProgress, REPLAY_JOB_LIMITS, ReplayJobBroker, SELECTIONS_OF, type ReplayJob, type ReplayJobSelection } from '../../../shared/model/replay-jobs';
import type { AppCore } from '../../core/app-core';
import { print, unwrap, UsageError, withEnvironment, type CliCommand } from '../cli-kit';

/** What `dlq replay --job` is given by the dlq command. */
export interface JobReplayRequest {
  core: AppCore;
  envId: string;
  /** `--broker`: redis (a DLQ stream, the default), rabbitmq (a dead-letter queue) or bullmq (a queue). */
  broker: string | undefined;
  /** `--kind failed|dlq-queue` (BullMQ). */
  bullKind: string | undefined;
  /** `--count N` (RabbitMQ): the first N messages. */
  count: string | undefined;
  source: string;
  ids: string[] | undefined;
  all: boolean;
  match: DlqMatch | undefined;
  target: string | undefined;
  maxReplays: number;
  force: boolean;
  rate: string | undefined;
  batch: string | undefined;
  isDetached: boolean;
  isDryRun: boolean;
  asJson: boolean;
}

function positiveNumber(text: string | undefined, flag: string, max: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || n > max) throw new UsageError(`${flag} takes a number from 1 to ${max}`);
  return n;
}

/**
 * Runs a job in this process until it ends, its progress on stderr at a terminal; Ctrl-C pauses
 * it (between two batches), so it goes on only when someone resumes it.
 */
async function runInForeground(core: AppCore, envId: string, id: string, asJson: boolean): Promise<number> {
  let isInterrupted = false;
  const interrupt = () => {
    isInterrupted = true;
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    const end = await core.replayJobs.runHere(
      envId,
      id,
      () => {
        if (process.stderr.isTTY) void core.replayJobs.get(envId, id).then((job) => process.stderr.write(`\r${describeJobProgress(job)}   `));
      },
      () => isInterrupted,
    );
    if (isInterrupted) await core.replayJobs.control(envId, id, 'pause').catch(() => undefined);
    if (process.stderr.isTTY) process.stderr.write('\n');
    const job = await core.replayJobs.get(envId, id);
    print(job, asJson, () =>
      [
        `replay job ${job.id}: ${describeJobProgress(job)}`,
        end === 'busy' ? `  another console is running it (${job.owner ?? '?'}): watch it with watchfloor replay-jobs list` : '',
        isInterrupted ? `  paused: go on with watchfloor replay-jobs resume ${job.id} --env …` : '',
        ...job.failures.slice(0, 20).map((f) => `  ✗ ${f.id}: ${f.reason}`),
      ]
        .filter(Boolean)
        .join('\n'),
    );
    return job.state === 'done' && job.failed === 0 ? 0 : 1;
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }
}

/** `dlq replay … --job`: a dry run of the job, or the job created (confirmed) and run here unless `--detach`. */
export async function replayAsJob(r: JobReplayRequest): Promise<number> {
  const broker = ReplayJobBroker.safeParse(r.broker ?? 'redis');
  if (!broker.success) throw new UsageError('--broker takes redis, rabbitmq or bullmq');
  const bullKind = BullJobKind.safeParse(r.bullKind ?? 'failed');
  if (!bullKind.success) throw new UsageError('--kind takes failed (a queue\'s failed jobs) or dlq-queue (a {queue}-dlq queue)');
  const count = positiveNumber(r.count, '--count', 1_000_000);
  const selection: ReplayJobSelection =
    r.ids?.length ? { kind: 'ids', ids: r.ids } : r.match ? { kind: 'match', match: r.match } : count !== undefined ? { kind: 'count', count: Math.round(count) } : r.all ? { kind: 'all' } : (() => {
      throw new UsageError(
        broker.data === 'rabbitmq' ? 'dlq replay --job --broker rabbitmq needs --count N (the first N messages) or --all' : broker.data === 'bullmq' ? 'dlq replay --job --broker bullmq needs --id JOB ... or --all' : 'dlq replay --job needs --id ID ..., a search (--match, --text, --error, --origin) or --all',
      );
    })();
  if (!SELECTIONS_OF[broker.data].includes(selection.kind)) throw new UsageError(`a ${broker.data} job takes ${SELECTIONS_OF[broker.data].map((k) => ({ ids: '--id', match: 'a search', count: '--count', all: '--all' })[k]).join(', ')}`);
  const base = { envId: r.envId, broker: broker.data, ...(broker.data === 'bullmq' ? { bullKind: bullKind.data } : {}), source: r.source, selection, ...(r.target ? { target: r.target } : {}), maxReplays: r.maxReplays, force: r.force };
  if (r.isDryRun) {
    const preview = unwrap(await r.core.call('replays.dryRun', base));
    print(preview, r.asJson, () =>
      [
        `a job would cover ${preview.total} entries of ${preview.source}; of the first ${preview.outcome.matched}: ${preview.outcome.replayed} would be replayed, ${preview.outcome.failed.length} refused, ${preview.outcome.skipped} gone`,
        ...Object.entries(preview.outcome.targets).map(([t, n]) => `  → ${t}: ${n}`),
        'first differences (replayed entry vs dead letter):',
        ...preview.differences.map((d) => `  ${d.id} → ${d.target ?? '?'}: drops ${d.removed.join(', ') || 'nothing'}; adds ${Object.entries(d.added).map(([k, v]) => (k === REPLAY_LINEAGE_FIELD ? `${k} (${lineageSteps(v)})` : `${k}=${v}`)).join(', ')}; ${d.unchanged.length} fields byte for byte${d.refusal ? `; REFUSED: ${d.refusal}` : ''}`),
      ].join('\n'),
    );
    return 0;
  }
  const isBulk = selection.kind === 'ids' ? selection.ids.length > 100 : selection.kind !== 'count' || selection.count > 100;
  const confirmToken = isBulk ? unwrap(await r.core.call('confirm.issue', { envId: r.envId, action: 'dlq.replay', target: r.source, typed: r.source })).token : undefined;
  const rate = positiveNumber(r.rate, '--rate', REPLAY_JOB_LIMITS.maxRate);
  const batch = positiveNumber(r.batch, '--batch', REPLAY_JOB_LIMITS.maxBatch);
  const job = unwrap(await r.core.call('replays.start', { ...base, ...(rate ? { rate } : {}), ...(batch ? { batch: Math.round(batch) } : {}), ...(confirmToken ? { confirmToken } : {}) }));
  if (r.isDetached) {
    print(job, r.asJson, () => `replay job ${job.id} queued (${job.total} entries): a running console takes it up; watch it with watchfloor replay-jobs list --env …`);
    return 0;
  }
  return runInForeground(r.core, r.envId, job.id, r.asJson);
}

function jobLine(job: ReplayJob): string {
  const when = new Date(job.createdAt).toISOString();
  return `${job.id}  ${job.broker === 'redis' ? '' : `${job.broker === 'rabbitmq' ? 'RabbitMQ' : `BullMQ ${job.bullKind === 'dlq-queue' ? 'dlq queue' : 'failed'}`} `}${job.source}${job.target ? ` → ${job.target}` : ''}  ${job.selection}  ${job.rate ? `cap ${job.rate}/s` : 'no cap'}  by ${job.createdBy} ${when}\n    ${describeJobProgress(job)}${job.owner ? `  (run by ${job.owner})` : ''}`;
}

/** `replay-jobs list|pause|resume|cancel`: the jobs panel for runbooks. */
export const replayJobsCommand: CliCommand = {
  name: 'replay-jobs',
  usage: `  watchfloor replay-jobs list --env NAME [--json]                 replay jobs and their progress
  watchfloor replay-jobs pause|cancel ID --env NAME [--json]
  watchfloor replay-jobs resume ID --env NAME [--detach] [--json]  (runs it here unless --detach)`,
  async run(args) {
    const [action, ...rest] = args;
    const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { env: { type: 'string' }, json: { type: 'boolean' }, detach: { type: 'boolean' } } });
    if (!values.env) throw new UsageError('replay-jobs needs --env NAME');
    if (action !== 'list' && action !== 'pause' && action !== 'resume' && action !== 'cancel') throw new UsageError('replay-jobs needs list, pause, resume or cancel');
    const asJson = values.json ?? false;
    return withEnvironment(values.env, 'connected', async (core, env) => {
      if (action === 'list') {
        const { jobs } = unwrap(await core.call('replays.list', { envId: env.id }));
        print(jobs, asJson, () => (jobs.length ? jobs.map(jobLine).join('\n') : 'no replay jobs in this environment'));
        return 0;
      }
      const id = positionals[0];
      if (!id) throw new UsageError(`replay-jobs ${action} needs a job ID (replay-jobs list)`);
      const job = unwrap(await core.call(`replays.${action}`, { envId: env.id, id }));
      if (action === 'resume' && !values.detach) return runInForeground(core, env.id, id, asJson);
      print(job, asJson, () => jobLine(job));
      return 0;
    });
  },
};

/** The lineage a dry run would write, in words: its JSON is long and says per step what the DLQ entry says already. */
function lineageSteps(value: string): string {
  try {
    const steps = JSON.parse(value) as unknown;
    if (Array.isArray(steps)) return `${steps.length} step${steps.length === 1 ? '' : 's'}, this replay last`;
  } catch {
    // not JSON: said as such below
  }
  return 'kept as written';
}
