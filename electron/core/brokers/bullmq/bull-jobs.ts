import type { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { CodedError } from '../../../../shared/contract/errors';
import type { BullJob, BullJobAction, BullJobPage, BullJobState, BullJobValue } from '../../../../shared/model/bull-jobs';
import { previewOf } from '../payload-preview';

const DATA_PREVIEW = 16 * 1024;
const RETURN_PREVIEW = 4 * 1024;
const STACK_CUT = 4 * 1024;
const STACKS_KEPT = 10;

/**
 * A page of one state's jobs (bull-board's job list): ids in BullMQ's order (`getRanges`, newest
 * first unless `oldest`), then each job's hash read raw in one pipeline, so a job whose data is
 * not JSON, is binary or is huge still lists (previewed), and a job removed meanwhile says so.
 */
export async function listBullJobs(queue: Queue, redis: Redis, state: BullJobState, start: number, count: number, order: 'newest' | 'oldest'): Promise<BullJobPage> {
  const [ids, total] = await Promise.all([queue.getRanges([state], start, start + count - 1, order === 'oldest'), queue.getJobCountByTypes(state)]);
  const pipeline = redis.pipeline();
  for (const id of ids) pipeline.hgetallBuffer(queue.toKey(id));
  const hashes = ids.length ? ((await pipeline.exec()) ?? []) : [];
  const jobs = ids.map((id, i) => {
    const [error, hash] = hashes[i] ?? [null, null];
    if (error) throw new CodedError('BROKER_UNAVAILABLE', `reading job ${id} of ${queue.name}: ${error.message}`);
    return jobFromHash(id, state, (hash ?? {}) as Record<string, Buffer>);
  });
  return { queue: queue.name, state, total, start, jobs };
}

/** A job as the console shows it, from its raw hash (the fields BullMQ writes, see its `rawToJobJson`; unknown ones ignored). */
export function jobFromHash(id: string, state: BullJobState, hash: Record<string, Buffer>): BullJob {
  const text = (field: string): string | null => (hash[field] === undefined ? null : hash[field].toString('utf8'));
  const num = (field: string): number | null => {
    const value = Number(text(field));
    return text(field) === null || !Number.isFinite(value) ? null : value;
  };
  const opts = parseJson(text('opts')) as { attempts?: unknown; delay?: unknown } | null;
  const createdAt = num('timestamp');
  const delay = num('delay') ?? (typeof opts?.delay === 'number' ? opts.delay : null);
  const stacks = parseJson(text('stacktrace'));
  return {
    id,
    name: text('name') ?? '',
    state,
    data: valueOf(hash.data ?? Buffer.from('null'), DATA_PREVIEW),
    createdAt,
    processedAt: num('processedOn'),
    finishedAt: num('finishedOn'),
    dueAt: state === 'delayed' && createdAt !== null && delay !== null ? createdAt + delay : null,
    // BullMQ 6 stores some fields under short names (atm, stc, pb); older versions under the long ones.
    attemptsMade: num('attemptsMade') ?? num('atm') ?? 0,
    stalledCount: num('stc') ?? 0,
    processedBy: text('pb'),
    attempts: typeof opts?.attempts === 'number' && opts.attempts > 0 ? Math.floor(opts.attempts) : 1,
    priority: num('priority') ?? 0,
    failedReason: text('failedReason') || null,
    stacktrace: Array.isArray(stacks)
      ? stacks
          .filter((s): s is string => typeof s === 'string')
          .reverse()
          .slice(0, STACKS_KEPT)
          .map((s) => (s.length > STACK_CUT ? `${s.slice(0, STACK_CUT)}…` : s))
      : [],
    returnValue: hash.returnvalue === undefined ? null : valueOf(hash.returnvalue, RETURN_PREVIEW),
    progress: text('progress'),
    isMissing: Object.keys(hash).length === 0,
  };
}

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function valueOf(bytes: Buffer, limit: number): BullJobValue {
  const preview = previewOf(bytes, limit);
  let isJson = preview.encoding === 'text';
  if (isJson && !preview.truncated) {
    try {
      JSON.parse(preview.preview);
    } catch {
      isJson = false;
    }
  }
  return { ...preview, isJson };
}

/**
 * One job's action through the `bullmq` package: retry (a failed or completed job, back to
 * waiting), promote (delayed → waiting now), remove (gone with its data; refused while a worker
 * holds it). The state is read first so a wrong one gets a clear error, not BullMQ's script code.
 */
export async function actOnBullJob(queue: Queue, id: string, action: BullJobAction): Promise<{ before: string; after: string }> {
  const before = await queue.getJobState(id);
  if (before === 'unknown') throw new CodedError('NOT_FOUND', `no job ${id} in ${queue.name} (removed, or cleaned by its removeOnComplete/removeOnFail)`);
  const refuse = (why: string) => new CodedError('CONFLICT', `job ${id} is ${before}: ${why}`);
  if (action === 'remove') {
    // By id, without reading the job: a job whose data is corrupt can be removed too.
    if (before === 'active') throw refuse('a worker is processing it; it can be removed once it finishes or fails');
    const removed = await queue.remove(id);
    if (removed !== 1) throw new CodedError('CONFLICT', `job ${id} was not removed: it is locked by a worker or was removed meanwhile`);
    return { before, after: 'removed' };
  }
  if (action === 'retry' && before !== 'failed' && before !== 'completed') throw refuse('only a failed or completed job can be retried');
  if (action === 'promote' && before !== 'delayed') throw refuse('only a delayed job can be promoted');
  const job: Job | undefined = await queue.getJob(id).catch((error: Error) => {
    throw new CodedError('VALIDATION', `job ${id} of ${queue.name} cannot be read by BullMQ (${error.message}); it can only be removed`);
  });
  if (!job) throw new CodedError('NOT_FOUND', `job ${id} of ${queue.name} was removed meanwhile`);
  if (action === 'retry') await job.retry(before as 'failed' | 'completed');
  else await job.promote();
  return { before, after: await job.getState() };
}
