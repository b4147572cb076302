import { DLQ_FIELDS, REPLAY_FIELDS, REPLAY_LINEAGE_FIELD } from '../../../shared/model/dead-letter';
import { appendLineage, capText, type StoredStep } from '../../../shared/model/replay-lineage';
import { REPLAY_JOB_FIELD, type ReplayJobPreview } from '../../../shared/model/replay-jobs';
import { replayIds, type ReplayOptions } from './redis-dlq';
import type { NewReplayJob, ReplayJobStore } from './replay-job-store';

/** Entries a dry run looks at, at most (the one-shot replay's bound); the job itself covers them all. */
const PREVIEW_SCAN = 100_000;
/** Entries whose differences are listed. */
const PREVIEW_DIFFERENCES = 5;

type RawEntry = [string, string[]];

/**
 * A replay job's dry run: the one-shot replay's dry run (targets, refusals, the target
 * processor's event check) over the entries the job would cover, and for the first few what the
 * replayed entry would differ in — the metadata it drops and the lineage it gets (its
 * `replay_lineage` with this replay's step appended, by `who` at `now`); every other field goes
 * over byte for byte. Moves nothing.
 */
export async function previewReplayJob(store: ReplayJobStore, input: Omit<NewReplayJob, 'rate' | 'batch'>, check: ReplayOptions['check'], by: { who: string; now: number } = { who: '', now: Date.now() }): Promise<ReplayJobPreview> {
  const { client } = store;
  const resolved = await store.resolve(input.source, input.selection);
  const total = resolved ? resolved.length : await client.xlen(input.source);
  const ids = resolved
    ? resolved.slice(0, PREVIEW_SCAN)
    : ((await client.xrange(input.source, '-', '+', 'COUNT', Math.min(PREVIEW_SCAN, Math.max(1, total)))) as RawEntry[]).map(([id]) => id);
  const outcome = await replayIds(client, input.source, ids, { target: input.target, maxReplays: input.maxReplays, force: input.force, dryRun: true, check });
  const refusals = new Map(outcome.failed.map((f) => [f.id, f.reason]));
  const differences: ReplayJobPreview['differences'] = [];
  for (const id of ids.slice(0, PREVIEW_DIFFERENCES)) {
    const raw = (await client.xrange(input.source, id, id)) as RawEntry[];
    const fields = raw[0]?.[1];
    if (!fields) continue;
    const removed: string[] = [];
    const unchanged: string[] = [];
    let origin: string | null = null;
    let count = 0;
    let prior: string | null = null;
    const meta = new Map<string, string>();
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const name = fields[i]!;
      if (name === DLQ_FIELDS.originStream) origin = fields[i + 1]!;
      if (name === REPLAY_FIELDS.count) count = Number(fields[i + 1]) || 0;
      if (name === REPLAY_LINEAGE_FIELD) prior = fields[i + 1]!;
      if (name.startsWith('dlq_')) meta.set(name, fields[i + 1]!);
      if (name.startsWith('dlq_') || name === REPLAY_FIELDS.of || name === REPLAY_JOB_FIELD || name === REPLAY_FIELDS.count || name === REPLAY_LINEAGE_FIELD) removed.push(name);
      else unchanged.push(name);
    }
    differences.push({
      id,
      target: input.target ?? origin,
      // replay_count and replay_lineage are rewritten, not dropped: shown under added with their new values.
      removed: removed.filter((name) => name !== REPLAY_FIELDS.count && name !== REPLAY_LINEAGE_FIELD),
      added: {
        [REPLAY_FIELDS.count]: String(count + 1),
        [REPLAY_FIELDS.of]: `${input.source}/${id}`,
        [REPLAY_JOB_FIELD]: '(this job)',
        [REPLAY_LINEAGE_FIELD]: appendLineage(prior, stepOf(meta, input.source, id, by.who, by.now)),
      },
      unchanged,
      refusal: refusals.get(id) ?? null,
    });
  }
  return { source: input.source, total, outcome, differences };
}

/** The lineage step this replay would append (the job id is not known before it starts). */
function stepOf(meta: Map<string, string>, source: string, id: string, who: string, now: number): StoredStep {
  const step: StoredStep = { dlq: source, dlq_id: id, replayed_at: new Date(now).toISOString(), replayed_by: who, replay_job: '(this job)' };
  for (const key of [DLQ_FIELDS.originStream, DLQ_FIELDS.originId, DLQ_FIELDS.originGroup, DLQ_FIELDS.error, DLQ_FIELDS.attempts, DLQ_FIELDS.failedAt] as const) {
    const value = meta.get(key);
    if (value !== undefined) step[key] = capText(value);
  }
  return step;
}
