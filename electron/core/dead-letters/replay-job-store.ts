import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { CodedError } from '../../../shared/contract/errors';
import type { DlqMatch } from '../../../shared/model/dlq-search';
import { REPLAY_JOB_LIMITS, ReplayJobBroker, ReplayJobState, type BullJobKind, replayJobKeys, type ReplayJob, type ReplayJobSelection } from '../../../shared/model/replay-jobs';
import { matchingIds } from './dlq-search';
import { CLAIM_SCRIPT, CONTROL_SCRIPT, PROGRESS_SCRIPT } from './replay-job-script';

export interface NewReplayJob {
  /** Redis when absent. */
  broker?: ReplayJobBroker;
  /** BullMQ only. */
  bullKind?: BullJobKind | null;
  source: string;
  selection: ReplayJobSelection;
  target: string | null;
  rate: number | null;
  batch: number;
  maxReplays: number;
  force: boolean;
}

export type ReplayJobAction = 'pause' | 'resume' | 'cancel';

/** A batch moved outside Redis, to be counted once ({@link ReplayJobStore.progress}). */
export interface BatchProgress {
  /** The cursor the batch started from, and the one after it. */
  from: string;
  to: string;
  replayed: number;
  skipped: number;
  failed: number;
  rate: number | null;
  now: number;
  /** Nothing is left: the job is done. */
  finished: boolean;
  failures: { id: string; reason: string }[];
  /** RabbitMQ: identities of the refused messages counted in this batch. */
  refused?: string[];
}

const num = (v: string | undefined) => (v === undefined || v === '' ? null : Number(v));

/** A job record (hash fields) as every console shows it. */
export function toJob(id: string, h: Record<string, string>, failures: string[]): ReplayJob {
  const done = Number(h.done ?? 0);
  const failed = Number(h.failed ?? 0);
  const skipped = Number(h.skipped ?? 0);
  const total = Number(h.total ?? 0);
  const state = ReplayJobState.catch('failed').parse(h.state);
  const left = state === 'done' ? 0 : Math.max(0, total - done - failed - skipped);
  const currentRate = state === 'running' ? num(h.currentRate) : null;
  return {
    id,
    broker: ReplayJobBroker.catch('redis').parse(h.broker ?? 'redis'),
    bullKind: h.bullKind === 'failed' || h.bullKind === 'dlq-queue' ? h.bullKind : null,
    source: h.source ?? '',
    selection: h.selection === 'ids' || h.selection === 'match' || h.selection === 'count' ? h.selection : 'all',
    match: h.match ? (JSON.parse(h.match) as DlqMatch) : null,
    target: h.target || null,
    rate: num(h.rate),
    batch: Number(h.batch ?? REPLAY_JOB_LIMITS.defaultBatch),
    maxReplays: Number(h.maxReplays ?? 3),
    force: h.force === '1',
    state,
    total,
    done,
    failed,
    skipped,
    left,
    currentRate,
    etaMs: currentRate && currentRate > 0 ? Math.round((left / currentRate) * 1000) : null,
    createdBy: h.createdBy ?? '',
    createdAt: Number(h.createdAt ?? 0),
    startedAt: num(h.startedAt),
    finishedAt: num(h.finishedAt),
    updatedAt: Number(h.updatedAt ?? 0),
    owner: h.owner ? h.owner.replace(/#[^#]*$/, '') : null,
    claims: Number(h.claims ?? 0),
    lastAction: h.lastAction ? (JSON.parse(h.lastAction) as ReplayJob['lastAction']) : null,
    error: h.error || null,
    failures: failures.map((line) => {
      const at = line.indexOf('\t');
      return { id: line.slice(0, at), reason: line.slice(at + 1) };
    }),
  };
}

/**
 * The replay jobs of one environment, in its Redis: create (the selection resolved to ids, or for
 * `all` the DLQ's last id at that moment), read, and the pause / resume / cancel every console may
 * send. Running a job is the runner's.
 */
export class ReplayJobStore {
  readonly keys: ReturnType<typeof replayJobKeys>;

  constructor(
    readonly client: Redis,
    namespace: string,
    private readonly payloadKey: Buffer | null = null,
  ) {
    this.keys = replayJobKeys(namespace);
  }

  /** The ids a selection covers now, oldest first; for `all`, null (the job walks the stream up to its last id). */
  async resolve(source: string, selection: ReplayJobSelection): Promise<string[] | null> {
    if (selection.kind === 'ids') return [...new Set(selection.ids)];
    if (selection.kind === 'all') return null;
    if (selection.kind === 'count') throw new CodedError('VALIDATION', 'a Redis DLQ job replays given ids, a search or all of it, not the first N');
    const ids = await matchingIds(this.client, source, selection.match, REPLAY_JOB_LIMITS.maxEntries, this.payloadKey);
    return ids.reverse();
  }

  /** A Redis DLQ job: the selection resolved to ids now, or for `all` the DLQ's last id at this moment. */
  async create(input: NewReplayJob, who: string, now: number): Promise<ReplayJob> {
    if (input.selection.kind === 'ids') {
      const bad = input.selection.ids.find((id) => !/^\d+-\d+$/.test(id));
      if (bad !== undefined) throw new CodedError('VALIDATION', `"${bad}" is not a stream entry id (like 1700000000000-0)`);
    }
    if ((await this.client.exists(input.source)) === 0) throw new CodedError('NOT_FOUND', `no dead-letter stream "${input.source}"`);
    const ids = await this.resolve(input.source, input.selection);
    if (ids) {
      if (ids.length === 0) throw new CodedError('VALIDATION', 'the search found no entries: nothing to replay');
      return this.createRecord(input, who, now, { total: ids.length, ids });
    }
    const last = (await this.client.xrevrange(input.source, '+', '-', 'COUNT', 1)) as [string, string[]][];
    if (last.length === 0) throw new CodedError('VALIDATION', `"${input.source}" is empty: nothing to replay`);
    return this.createRecord(input, who, now, { total: await this.client.xlen(input.source), endId: last[0]![0] });
  }

  /**
   * Writes a new queued job: its record, the ids it covers (when it covers given ids) and its place
   * in the index. Every broker's job is created through here.
   */
  async createRecord(input: NewReplayJob, who: string, now: number, cover: { total: number; ids?: string[]; endId?: string }): Promise<ReplayJob> {
    const id = `${now.toString(36)}-${randomUUID().slice(0, 8)}`;
    const ids = cover.ids;
    if (ids) for (let i = 0; i < ids.length; i += 10_000) await this.client.rpush(this.keys.ids(id), ...ids.slice(i, i + 10_000));
    await this.client
      .multi()
      .hset(this.keys.job(id), {
        broker: input.broker ?? 'redis',
        bullKind: input.bullKind ?? '',
        source: input.source,
        selection: input.selection.kind,
        match: input.selection.kind === 'match' ? JSON.stringify(input.selection.match) : '',
        target: input.target ?? '',
        rate: input.rate === null ? '' : String(input.rate),
        batch: String(input.batch),
        maxReplays: String(input.maxReplays),
        force: input.force ? '1' : '0',
        state: 'queued',
        total: String(cover.total),
        done: '0',
        failed: '0',
        skipped: '0',
        cursor: ids ? '0' : '-',
        endId: cover.endId ?? '',
        createdBy: who,
        createdAt: String(now),
        updatedAt: String(now),
        owner: '',
        leaseUntil: '0',
        claims: '0',
      })
      .zadd(this.keys.index, now, id)
      .exec();
    return this.get(id);
  }

  async get(id: string): Promise<ReplayJob> {
    const [h, failures] = await Promise.all([this.client.hgetall(this.keys.job(id)), this.client.lrange(this.keys.failures(id), 0, 99)]);
    if (!h.state) throw new CodedError('NOT_FOUND', `no replay job "${id}" in this environment`);
    return toJob(id, h, failures);
  }

  /** The newest jobs first (at most `limit`). */
  async list(limit = 50): Promise<ReplayJob[]> {
    const ids = await this.client.zrevrange(this.keys.index, 0, limit - 1);
    const pipeline = this.client.pipeline();
    for (const id of ids) pipeline.hgetall(this.keys.job(id)).lrange(this.keys.failures(id), 0, 99);
    const replies = (await pipeline.exec()) ?? [];
    const jobs: ReplayJob[] = [];
    ids.forEach((id, i) => {
      const h = replies[2 * i]?.[1] as Record<string, string> | undefined;
      if (h?.state) jobs.push(toJob(id, h, (replies[2 * i + 1]?.[1] as string[]) ?? []));
    });
    return jobs;
  }

  /** Jobs a console could take up now: queued, or running with a free or expired lease (the script decides). */
  async active(): Promise<string[]> {
    const ids = await this.client.zrevrange(this.keys.index, 0, 199);
    const pipeline = this.client.pipeline();
    for (const id of ids) pipeline.hget(this.keys.job(id), 'state');
    const states = (await pipeline.exec()) ?? [];
    return ids.filter((_, i) => states[i]?.[1] === 'queued' || states[i]?.[1] === 'running').reverse();
  }

  /** Pause, resume or cancel; refused (CONFLICT) from a state it does not apply to. */
  async control(id: string, action: ReplayJobAction, by: string, now: number): Promise<ReplayJob> {
    const [status, state] = (await this.client.eval(CONTROL_SCRIPT, 2, this.keys.job(id), this.keys.ids(id), action, by, String(now))) as [string, string];
    if (state === 'gone') throw new CodedError('NOT_FOUND', `no replay job "${id}" in this environment`);
    if (status !== 'ok') throw new CodedError('CONFLICT', `cannot ${action} a job that is ${state}`);
    return this.get(id);
  }

  /** Takes the job up for `token` when it is free; true when taken. */
  async claim(id: string, token: string, leaseMs: number, now: number): Promise<boolean> {
    return Number(await this.client.eval(CLAIM_SCRIPT, 1, this.keys.job(id), token, leaseMs, String(now))) === 1;
  }

  /** Counts a batch once (see PROGRESS_SCRIPT): 'ok' with the job's state, or 'stale' when it was counted already. */
  async progress(id: string, p: BatchProgress): Promise<{ status: 'ok' | 'stale' | 'gone'; state: string }> {
    const [status, state] = (await this.client.eval(
      PROGRESS_SCRIPT,
      4,
      this.keys.job(id),
      this.keys.failures(id),
      this.keys.refused(id),
      this.keys.ids(id),
      p.from,
      p.to,
      p.replayed,
      p.skipped,
      p.failed,
      p.rate === null ? '' : p.rate.toFixed(1),
      String(p.now),
      p.finished ? '1' : '0',
      p.failures.length,
      ...p.failures.map((f) => `${f.id}\t${f.reason}`),
      ...(p.refused ?? []),
    )) as [string, string];
    return { status: status as 'ok' | 'stale' | 'gone', state };
  }

  /** Marks a job failed for a reason no retry fixes (a script error), keeping its counters. */
  async fail(id: string, token: string, error: string, now: number): Promise<void> {
    const owner = await this.client.hget(this.keys.job(id), 'owner');
    if (owner === token) await this.client.hset(this.keys.job(id), { state: 'failed', error, owner: '', finishedAt: String(now), updatedAt: String(now), currentRate: '' });
  }
}
