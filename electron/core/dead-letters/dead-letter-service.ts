import { CodedError } from '../../../shared/contract/errors';
import type { MethodName, ParsedParamsOf } from '../../../shared/contract/methods';
import { isDeadLetterName } from '../../../shared/model/topology';
import type { DeadLetterSource } from '../../../shared/model/dead-letter';
import type { EnvironmentRuntime } from '../environments/environment-runtime';
import { encryptPayload } from '../payload-crypto';
import type { Clock, Logger } from '../ports';
import { listBullDead, retryBullDead, showBullDead } from './bull-dlq';
import { bullDeadLetterSources, originOfDeadLetterName, rabbitDeadLetterSources, redisDeadLetterSources } from '../../../shared/model/dead-letter-sources';
import { exportDeadLetters, groupDeadLetters, importDeadLetters, matchingIds, replayEdited, searchStep } from './dlq-search';
import { browseRabbitDlq, findRabbitDeadLetter, replayRabbitDlq } from './rabbit-dlq';
import { listDeadLetters, purgeOlderThan, replayAll, replayIds, showDeadLetter } from './redis-dlq';
import { checkEntry } from './replay-check';
import type { Redis } from 'ioredis';

/** What a Redis Cluster refuses: replay copies to the origin and deletes from the DLQ in one script over two streams' slots. */
const REDIS_DLQ = 'Redis dead letters';

export interface DeadLetterServiceDeps {
  clock: Clock;
  logger: Logger;
  /** The live runtime of an environment, or NOT_FOUND. */
  runtime(envId: string): EnvironmentRuntime;
  /** The connected Redis of an environment as one server (UNSUPPORTED on a cluster, naming `feature`). */
  redisOf(envId: string, feature?: string): Redis;
  /** "Analyst (os user)": who replays, recorded in each replayed entry's lineage. */
  who(): string;
}

type P<M extends Extract<MethodName, `dlq.${string}`>> = ParsedParamsOf<M>;

/**
 * Dead letters on Redis DLQ streams, BullMQ and RabbitMQ: the broker work behind the `dlq.*`
 * methods. The handlers adapt contract ↔ this service (and write its before/after figures to the
 * audit entry); who may call what is the contract's and the dispatcher's.
 */
export class DeadLetterService {
  constructor(private readonly deps: DeadLetterServiceDeps) {}

  private redis(envId: string, source: string): Redis {
    if (!isDeadLetterName(source)) throw new CodedError('VALIDATION', `"${source}" is not a dead-letter stream (its name must end in .dlq, -dlq or _dlq)`);
    return this.deps.redisOf(envId, REDIS_DLQ);
  }

  private payloadKey(envId: string): Buffer | null {
    return this.deps.runtime(envId).env.payloadKey;
  }

  private bullQueue(envId: string, name: string) {
    const runtime = this.deps.runtime(envId);
    runtime.assertNotCluster('BullMQ dead letters');
    const queue = runtime.bull?.queue(name);
    if (!queue) throw new CodedError('NOT_FOUND', `no BullMQ queue "${name}" in this environment (deleted, or not discovered yet)`);
    return queue;
  }

  private amqpOf(envId: string) {
    const amqp = this.deps.runtime(envId).amqp;
    if (!amqp) throw new CodedError('NOT_FOUND', 'this environment has no RabbitMQ');
    return amqp.connection();
  }

  /** The Redis DLQ streams the monitor samples (the seed's own DLQs on every tick, others once discovered). */
  sources({ envId }: P<'dlq.sources'>): DeadLetterSource[] {
    return redisDeadLetterSources(this.deps.runtime(envId).monitor.snapshot()) ?? [];
  }

  list({ envId, source, order, after, count }: P<'dlq.list'>) {
    return listDeadLetters(this.redis(envId, source), source, order, after, count, this.deps.clock.now(), this.payloadKey(envId));
  }

  show({ envId, source, id }: P<'dlq.show'>) {
    return showDeadLetter(this.redis(envId, source), source, id, this.deps.clock.now(), this.payloadKey(envId));
  }

  async checkPayload({ envId, source, id, payload, target }: P<'dlq.checkPayload'>) {
    const entry = await showDeadLetter(this.redis(envId, source), source, id, this.deps.clock.now(), null);
    const to = target ?? entry.originStream;
    if (!to) return { verdict: 'unchecked' as const, target: null, reason: 'no origin stream recorded: give a target' };
    // The edited text is the plaintext (an encrypted original is encrypted again on replay).
    return checkEntry(to, Buffer.from(payload, 'utf8'), { namespace: this.deps.runtime(envId).env.profile.namespace, payloadKey: null });
  }

  async replay({ envId, source, ids, all, match, target, dryRun, maxReplays, force }: P<'dlq.replay'>) {
    const client = this.redis(envId, source);
    const runtime = this.deps.runtime(envId);
    const chosen = !all && match ? await matchingIds(client, source, match, 100_000, runtime.env.payloadKey) : (ids ?? []);
    const options = { target: target ?? null, maxReplays, force, dryRun, who: this.deps.who(), now: this.deps.clock.now(), check: { namespace: runtime.env.profile.namespace, payloadKey: runtime.env.payloadKey } };
    const outcome = all ? await replayAll(client, source, options) : await replayIds(client, source, chosen, options);
    this.deps.logger.info(`dlq replay ${source}: ${JSON.stringify({ dryRun, replayed: outcome.replayed, skipped: outcome.skipped, failed: outcome.failed.length, targets: outcome.targets })}`);
    return outcome;
  }

  /** Replays one entry with an edited payload; the result carries the original and the diff for the audit entry. */
  replayEdited({ envId, source, id, payload, target, maxReplays, force }: P<'dlq.replayEdited'>) {
    return replayEdited(this.redis(envId, source), source, id, payload, { target: target ?? null, maxReplays, force, payloadKey: this.payloadKey(envId), encrypt: encryptPayload, who: this.deps.who(), now: this.deps.clock.now() });
  }

  bullSources({ envId }: P<'dlq.bullSources'>) {
    return bullDeadLetterSources(this.deps.runtime(envId).bull?.snapshot());
  }

  bullList({ envId, queue, kind, start, count }: P<'dlq.bullList'>) {
    return listBullDead(this.bullQueue(envId, queue), kind, start, count);
  }

  /** One job of `bullList` by id (the reveal). */
  bullJob(envId: string, queue: string, kind: 'failed' | 'dlq-queue', id: string) {
    return showBullDead(this.bullQueue(envId, queue), kind, id);
  }

  async bullRetry({ envId, queue, kind, ids, all, dryRun }: P<'dlq.bullRetry'>) {
    const bull = this.deps.runtime(envId).bull;
    const origin = kind === 'dlq-queue' ? originOfDeadLetterName(queue) : null;
    const outcome = await retryBullDead(this.bullQueue(envId, queue), kind, all ? 'all' : (ids ?? []), { dryRun, origin: origin ? (bull?.queue(origin) ?? null) : null, limit: 10_000 });
    void bull?.tick();
    return outcome;
  }

  rabbitSources({ envId }: P<'dlq.rabbitSources'>) {
    return rabbitDeadLetterSources(this.deps.runtime(envId).monitor.snapshot());
  }

  rabbitBrowse({ envId, queue, count }: P<'dlq.rabbitBrowse'>) {
    return browseRabbitDlq(this.amqpOf(envId), queue, count, this.payloadKey(envId));
  }

  /** One message of `rabbitBrowse` by position and message id (the reveal). */
  rabbitMessage(envId: string, queue: string, position: number, messageId: string | null) {
    return findRabbitDeadLetter(this.amqpOf(envId), queue, position, messageId, this.payloadKey(envId));
  }

  async rabbitReplay({ envId, queue, count, target, dryRun, maxReplays, force }: P<'dlq.rabbitReplay'>) {
    const runtime = this.deps.runtime(envId);
    const outcome = await replayRabbitDlq(this.amqpOf(envId), queue, { count, target: target ?? null, dryRun, maxReplays, force, namespace: runtime.env.profile.namespace, by: { who: this.deps.who(), at: new Date(this.deps.clock.now()).toISOString() } });
    this.deps.logger.info(`dlq rabbit replay ${queue}: ${JSON.stringify({ dryRun, replayed: outcome.replayed, failed: outcome.failed.length, unknown: outcome.unknown })}`);
    void runtime.monitor.tick();
    return outcome;
  }

  search({ envId, source, match, before, maxScan, limit }: P<'dlq.search'>) {
    return searchStep(this.redis(envId, source), source, match, before, maxScan, limit, this.deps.clock.now(), this.payloadKey(envId));
  }

  groups({ envId, source, maxScan }: P<'dlq.groups'>) {
    return groupDeadLetters(this.redis(envId, source), source, maxScan);
  }

  async export({ envId, source, ids, match, limit }: P<'dlq.export'>) {
    const client = this.redis(envId, source);
    const chosen = match ? await matchingIds(client, source, match, limit, this.payloadKey(envId)) : (ids ?? []).slice(0, limit);
    return exportDeadLetters(client, source, chosen);
  }

  async import({ envId, source, lines }: P<'dlq.import'>) {
    const result = await importDeadLetters(this.redis(envId, source), source, lines);
    this.deps.logger.info(`dlq import ${source}: ${JSON.stringify({ imported: result.imported, failed: result.failed.length })}`);
    return result;
  }

  /** Deletes these entries (in batches of 1,000); the stream's length before and after for the audit entry. */
  async purgeIds({ envId, source, ids }: P<'dlq.purgeIds'>) {
    const client = this.redis(envId, source);
    const before = await client.xlen(source);
    let removed = 0;
    for (let i = 0; i < ids.length; i += 1000) removed += await client.xdel(source, ...ids.slice(i, i + 1000));
    return { source, removed, lengthBefore: before, lengthAfter: await client.xlen(source) };
  }

  /** Deletes the entries older than `olderThanMs`; the stream's length before and after for the audit entry. */
  async purge({ envId, source, olderThanMs }: P<'dlq.purge'>) {
    const client = this.redis(envId, source);
    const before = await client.xlen(source);
    const removed = await purgeOlderThan(client, source, olderThanMs, this.deps.clock.now());
    return { source, removed, lengthBefore: before, lengthAfter: await client.xlen(source) };
  }
}
