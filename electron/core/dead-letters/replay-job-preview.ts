import { DLQ_FIELDS, REPLAY_FIELDS } from '../../../shared/model/dead-letter';
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
 * replayed entry would differ in — the metadata it drops and the lineage it gets; every other
 * field goes over byte for byte. Moves nothing.
 */
export async function previewReplayJob(store: ReplayJobStore, input: Omit<NewReplayJob, 'rate' | 'batch'>, check: ReplayOptions['check']): Promise<ReplayJobPreview> {
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
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const name = fields[i]!;
      if (name === DLQ_FIELDS.originStream) origin = fields[i + 1]!;
      if (name === REPLAY_FIELDS.count) count = Number(fields[i + 1]) || 0;
      if (name.startsWith('dlq_') || name === REPLAY_FIELDS.of || name === REPLAY_JOB_FIELD || name === REPLAY_FIELDS.count) removed.push(name);
      else unchanged.push(name);
    }
    differences.push({
      id,
      target: input.target ?? origin,
      // replay_count is rewritten, not dropped: shown under added with its new value.
      removed: removed.filter((name) => name !== REPLAY_FIELDS.count),
      added: { [REPLAY_FIELDS.count]: String(count + 1), [REPLAY_FIELDS.of]: `${input.source}/${id}`, [REPLAY_JOB_FIELD]: '(this job)' },
      unchanged,
      refusal: refusals.get(id) ?? null,
    });
  }
  return { source: input.source, total, outcome, differences };
}
