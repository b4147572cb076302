import { createHash, randomUUID } from 'node:crypto';
import type { Channel, ChannelModel, ConsumeMessage, Message } from 'amqplib';
import { CodedError } from '../../../shared/contract/errors';
import type { ReplayJob, ReplayJobPreview } from '../../../shared/model/replay-jobs';
import type { ManagementClient } from '../brokers/rabbitmq/management-client';
import { browseRabbitDlq, planRabbitReplay, replayRabbitDlq } from './rabbit-dlq';
import { copyHeaders, RABBIT_REPLAY_HEADERS } from './rabbit-replay';
import { RENEW_SCRIPT } from './replay-job-script';
import { runJobLoop, type BatchResult, type RunEnd, type RunOptions } from './replay-job-runner';
import type { BatchProgress, NewReplayJob, ReplayJobStore } from './replay-job-store';

/**
 * RabbitMQ replay jobs — how a batch moves exactly once although RabbitMQ and the job's record in
 * Redis cannot share a transaction:
 *
 * 1. The batch's dead letters are taken unacknowledged (`basic.get`) on a channel in AMQP
 *    transaction mode (`tx.select`); each copy is published to its target and its dead letter
 *    acknowledged, and one small message naming the batch's number is published to the job's
 *    ledger queue — all in the one transaction.
 * 2. Before `tx.commit`, the batch's counts are written to the job record as `pending`, naming the
 *    batch number; after the commit they are counted once (compare-and-set on the job's cursor,
 *    which is the number of the last batch counted).
 *
 * A console killed before the commit: the broker discards the copies and requeues the dead letters
 * (nothing moved). Killed after it: everything moved; the next console finds `pending` for a batch
 * number the ledger queue holds (its message count is the number of batches committed) and counts
 * it; a pending batch the ledger does not hold was never committed and is dropped. So each dead
 * letter is in its target once and the counts are exact, whatever instant the console died at.
 *
 * Refused dead letters (loop guard, no origin, a target that is missing or that drops publishes
 * when full) are held unacknowledged until the run ends, then go back where they were; their
 * identities are remembered so a resumed job does not count them twice. RabbitMQ routes a
 * transaction's publishes at commit: a copy returned then (its queue deleted during the batch) is
 * put back into the dead-letter queue in a second transaction and counted refused — the one window
 * left is a console killed between that return and the put-back.
 */

/** AMQP 0-9-1 tx class methods (amqplib has no API for them; its channel's rpc speaks them). */
const TX_SELECT = [5898250, 5898251] as const;
const TX_COMMIT = [5898260, 5898261] as const;

/** The header naming the replay job on each copy (beside x-replay-count / x-replay-of / x-watchfloor-replay-id). */
export const RABBIT_REPLAY_JOB_HEADER = 'x-replay-job';

/** The job's ledger queue: one message per committed batch. It expires a week after its last use. */
export const rabbitLedgerQueue = (namespace: string, jobId: string) => `${namespace}watchfloor.replay-job.${jobId}.ledger`;
const LEDGER_EXPIRES_MS = 7 * 24 * 3600_000;

export interface RabbitJobEnvironment {
  connection(): ChannelModel;
  management: ManagementClient | null;
  vhost: string;
  namespace: string;
}

type TxChannel = Channel & { rpc(method: number, fields: object, expect: number): Promise<unknown> };
const tx = (channel: Channel, [method, expect]: readonly [number, number]) => (channel as TxChannel).rpc(method, {}, expect);

/** A message's identity for the refused set: its message id, else a hash of its content and headers. */
export function messageIdentity(message: Message): string {
  if (message.properties.messageId) return `id:${String(message.properties.messageId)}`;
  return `sha1:${createHash('sha1').update(message.content).update(JSON.stringify(message.properties.headers ?? {})).digest('hex')}`;
}

async function checkQueue(connection: ChannelModel, queue: string): Promise<number> {
  const channel = await connection.createChannel();
  channel.on('error', () => undefined);
  try {
    return (await channel.checkQueue(queue)).messageCount;
  } catch (error) {
    throw new CodedError('NOT_FOUND', `no queue "${queue}" (${(error as Error).message})`);
  } finally {
    await channel.close().catch(() => undefined);
  }
}

/** How long a batch waits for one more delivery before it goes with what it has (others may be taking the queue's messages). */
const DELIVERY_IDLE_MS = 200;

/**
 * Takes up to `n` messages from the head of the queue, unacknowledged: a consumer of its own with a
 * prefetch of `n` (so at most `n` are delivered to it), cancelled once it has them, the queue has
 * fewer ready, or none came for a moment. One round trip per batch, not one `basic.get` per message.
 * On a channel in transaction mode the acknowledgments of these messages wait for the commit.
 */
async function takeBatch(channel: Channel, queue: string, n: number): Promise<ConsumeMessage[]> {
  if (n <= 0) return [];
  const ready = (await channel.checkQueue(queue)).messageCount;
  const want = Math.min(n, ready);
  if (want === 0) return [];
  const taken: ConsumeMessage[] = [];
  await channel.prefetch(want);
  let wake: () => void = () => undefined;
  const { consumerTag } = await channel.consume(
    queue,
    (message) => {
      if (message) taken.push(message);
      wake();
    },
    { noAck: false },
  );
  try {
    while (taken.length < want) {
      const before = taken.length;
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, DELIVERY_IDLE_MS);
      });
      clearTimeout(timer);
      if (taken.length === before) break; // nothing more came: the rest went to someone else
    }
  } finally {
    wake = () => undefined;
    await channel.cancel(consumerTag);
  }
  return taken;
}

/** A RabbitMQ job covers the first `count` messages of the queue, or all it holds now. */
export async function createRabbitJob(store: ReplayJobStore, env: RabbitJobEnvironment, input: NewReplayJob, who: string, now: number): Promise<ReplayJob> {
  if (input.selection.kind !== 'all' && input.selection.kind !== 'count') throw new CodedError('VALIDATION', `a RabbitMQ job replays the first messages of the queue or all of them (its messages have no ids), not a ${input.selection.kind}`);
  const connection = env.connection();
  const depth = await checkQueue(connection, input.source);
  if (input.target) await checkQueue(connection, input.target);
  const total = input.selection.kind === 'all' ? depth : Math.min(input.selection.count, depth);
  if (total === 0) throw new CodedError('VALIDATION', `"${input.source}" is empty: nothing to replay`);
  return store.createRecord({ ...input, broker: 'rabbitmq', bullKind: null }, who, now, { total });
}

/** Runs a RabbitMQ replay job (see the module comment for why each dead letter moves once). */
export function runRabbitReplayJob(store: ReplayJobStore, jobId: string, token: string, env: RabbitJobEnvironment, options: RunOptions): Promise<RunEnd> {
  const { client, keys } = store;
  const ledger = rabbitLedgerQueue(env.namespace, jobId);
  return runJobLoop(store, jobId, token, options, async () => {
    const [source, target, maxReplays, force, createdBy] = (await client.hmget(keys.job(jobId), 'source', 'target', 'maxReplays', 'force', 'createdBy')) as string[];
    const queue = source ?? '';
    const plan = planRabbitReplay(queue, { target: target || null, maxReplays: Number(maxReplays ?? 3), force: force === '1' });
    const connection = env.connection();
    const channel = await connection.createChannel();
    let closed: Error | null = null;
    channel.on('error', (error: Error) => (closed ??= error));
    channel.on('close', () => (closed ??= new Error('the channel closed')));
    const returned: Message[] = [];
    channel.on('return', (message: Message) => returned.push(message));
    await tx(channel, TX_SELECT);
    await channel.assertQueue(ledger, { durable: true, arguments: { 'x-expires': LEDGER_EXPIRES_MS } });

    // A batch a console committed but did not count (killed in between): count it now.
    const [cursor, pending] = await client.hmget(keys.job(jobId), 'cursor', 'pending');
    if (pending) {
      const p = JSON.parse(pending) as BatchProgress;
      const committed = (await channel.checkQueue(ledger)).messageCount;
      if (p.from === cursor && committed >= Number(p.to)) await store.progress(jobId, { ...p, now: options.clock.now(), finished: false });
      else await client.hdel(keys.job(jobId), 'pending');
    }

    const held = new Set<string>();
    const rejectsWhenFull = new Map<string, boolean>();
    const refusalOf = async (to: string, exists: Map<string, boolean>): Promise<string | null> => {
      if (!exists.has(to)) exists.set(to, await checkQueue(connection, to).then(() => true, () => false));
      if (!exists.get(to)) return `no queue "${to}": the dead letter stays`;
      if (env.management && !rejectsWhenFull.has(to)) rejectsWhenFull.set(to, await env.management.queueRejectsWhenFull(env.vhost, to).catch(() => false));
      if (rejectsWhenFull.get(to)) return `"${to}" refuses publishes when full (x-overflow reject-publish), which a job's transaction cannot hear: replay it with the one-shot replay (publisher confirms)`;
      return null;
    };

    return {
      async move(size: number, rate: number | null): Promise<BatchResult> {
        if (closed) throw closed;
        const state = (await client.eval(RENEW_SCRIPT, 1, keys.job(jobId), token, options.leaseMs)) as string;
        if (state !== 'running') return { status: 'ended', state };
        const h = await client.hmget(keys.job(jobId), 'done', 'failed', 'skipped', 'total', 'cursor');
        const [done, failed, skipped, total] = h.slice(0, 4).map((v) => Number(v ?? 0)) as [number, number, number, number];
        const from = h[4] ?? '-';
        const seq = (from === '-' ? 0 : Number(from)) + 1;
        const left = total - done - failed - skipped;
        const base = { from, to: String(seq), rate, now: options.clock.now() };
        const taken = await takeBatch(channel, queue, Math.min(size, left));
        if (taken.length === 0) {
          // Nothing left to take (the rest were consumed or purged by someone else meanwhile): done.
          const counted = await store.progress(jobId, { ...base, replayed: 0, skipped: Math.max(0, left), failed: 0, finished: true, failures: [] });
          return counted.status === 'ok' ? { status: 'ok', state: counted.state, replayed: 0 } : { status: 'ended', state: 'lost' };
        }

        const exists = new Map<string, boolean>();
        const copies: { message: Message; target: string; replayId: string }[] = [];
        const refusedHere: { message: Message; identity: string; reason: string }[] = [];
        for (const message of taken) {
          const planned = plan(message);
          const reason = planned.refused ?? (await refusalOf(planned.target, exists));
          if (reason === null && planned.target !== null) copies.push({ message, target: planned.target, replayId: randomUUID() });
          else refusedHere.push({ message, identity: messageIdentity(message), reason: reason ?? 'no target' });
        }
        // Refused ones counted by an earlier run of this job (then put back) are not counted again.
        const known = refusedHere.length ? ((await client.smismember(keys.refused(jobId), ...refusedHere.map((r) => r.identity))) as number[]) : [];
        const newlyRefused = refusedHere.filter((r, i) => !known[i] && !held.has(r.identity));
        for (const r of refusedHere) held.add(r.identity);

        for (const copy of copies) {
          const { message } = copy;
          channel.publish('', copy.target, message.content, { ...message.properties, headers: { ...copyHeaders(message, queue, copy.replayId, { who: createdBy ?? '', at: new Date(options.clock.now()).toISOString(), job: jobId }), [RABBIT_REPLAY_JOB_HEADER]: jobId }, mandatory: true, persistent: true });
          channel.ack(message);
        }
        const failures = newlyRefused.map((r) => ({ id: r.message.properties.messageId ? String(r.message.properties.messageId) : r.identity.slice(0, 17), reason: r.reason }));
        const progress: BatchProgress = {
          ...base,
          replayed: copies.length,
          skipped: 0,
          failed: newlyRefused.length,
          finished: copies.length + newlyRefused.length >= left,
          failures,
          refused: newlyRefused.map((r) => r.identity),
        };
        await client.hset(keys.job(jobId), 'pending', JSON.stringify(progress));
        channel.sendToQueue(ledger, Buffer.from(String(seq)), { persistent: true });
        returned.length = 0;
        await tx(channel, TX_COMMIT);
        if (returned.length) {
          // Routed at commit and returned (the target was deleted meanwhile): the dead letter goes back.
          const byReplayId = new Map(copies.map((c) => [c.replayId, c]));
          let putBack = 0;
          for (const copy of returned) {
            const id = (copy.properties.headers as Record<string, unknown> | undefined)?.['x-watchfloor-replay-id'];
            const original = byReplayId.get(Buffer.isBuffer(id) ? id.toString('utf8') : String(id));
            if (!original) continue;
            channel.sendToQueue(queue, original.message.content, { ...original.message.properties, persistent: true });
            failures.push({ id: original.message.properties.messageId ? String(original.message.properties.messageId) : original.replayId, reason: `returned unroutable: "${original.target}" went away during the batch; the dead letter was put back at the end of the queue` });
            putBack++;
          }
          await tx(channel, TX_COMMIT);
          Object.assign(progress, { replayed: progress.replayed - putBack, failed: progress.failed + putBack });
        }
        const counted = await store.progress(jobId, { ...progress, now: options.clock.now() });
        if (counted.status !== 'ok') return { status: 'ended', state: 'lost' };
        return { status: 'ok', state: counted.state, replayed: progress.replayed };
      },
      async close() {
        // Held (refused) dead letters go back to the queue with the channel.
        await channel.close().catch(() => undefined);
        const state = await client.hget(keys.job(jobId), 'state').catch(() => null);
        if (state === 'done' || state === 'cancelled') {
          const cleanup = await connection.createChannel();
          cleanup.on('error', () => undefined);
          await cleanup.deleteQueue(ledger).catch(() => undefined);
          await cleanup.close().catch(() => undefined);
        }
      },
    };
  });
}

/** Messages a RabbitMQ job's dry run looks at, at most (taken unacknowledged and put back). */
const PREVIEW_MESSAGES = 10_000;

/**
 * A RabbitMQ job's dry run: the one-shot replay's dry run over the messages it would cover (at
 * most the first 10,000: targets, refusals, the event check) and, for the first five, the headers
 * the copy drops (the death chain) and gets (the replay marks). Moves nothing; like browsing, the
 * messages are invisible for a moment and come back marked redelivered.
 */
export async function previewRabbitJob(env: RabbitJobEnvironment, input: Omit<NewReplayJob, 'rate' | 'batch'>): Promise<ReplayJobPreview> {
  if (input.selection.kind !== 'all' && input.selection.kind !== 'count') throw new CodedError('VALIDATION', `a RabbitMQ job replays the first messages of the queue or all of them, not a ${input.selection.kind}`);
  const connection = env.connection();
  const depth = await checkQueue(connection, input.source);
  const total = input.selection.kind === 'all' ? depth : Math.min(input.selection.count, depth);
  const options = { target: input.target, maxReplays: input.maxReplays, force: input.force };
  const dry = await replayRabbitDlq(connection, input.source, { ...options, count: Math.max(1, Math.min(total, PREVIEW_MESSAGES)), dryRun: true, namespace: env.namespace });
  const head = await browseRabbitDlq(connection, input.source, Math.min(5, Math.max(1, total)), null);
  const refusals = new Map(dry.failed.map((f) => [f.id, f.reason]));
  const differences = head.messages.map((m) => {
    const id = m.messageId ?? `#${m.position}`;
    const removed = [...(m.xDeath.length ? ['x-death'] : []), ...Object.keys(m.headers).filter((k) => /^x-(first|last)-death-/.test(k))];
    const unchanged = ['content', ...Object.keys(m.headers).filter((k) => !removed.includes(k) && !(Object.values(RABBIT_REPLAY_HEADERS) as string[]).includes(k) && k !== RABBIT_REPLAY_JOB_HEADER)];
    return {
      id,
      target: input.target ?? m.originQueue,
      removed,
      added: { [RABBIT_REPLAY_HEADERS.count]: String(m.replayCount + 1), [RABBIT_REPLAY_HEADERS.of]: input.source, [RABBIT_REPLAY_HEADERS.id]: '(a new id per copy)', [RABBIT_REPLAY_JOB_HEADER]: '(this job)', [RABBIT_REPLAY_HEADERS.lineage]: `${(m.lineage?.steps.length ?? 0) + 1} step${m.lineage?.steps.length ? 's' : ''}, this replay last` },
      unchanged,
      refusal: refusals.get(id) ?? null,
    };
  });
  return { source: input.source, total, outcome: { source: input.source, dryRun: true, matched: dry.matched, replayed: dry.replayed, skipped: 0, failed: dry.failed, targets: dry.targets, ...(dry.check ? { check: dry.check } : {}) }, differences };
}
