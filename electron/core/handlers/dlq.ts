import { checkEntry } from '../dead-letters/replay-check';
import { CodedError } from '../../../shared/contract/errors';
import { isDeadLetterName, topologyFor } from '../../../shared/model/topology';
import { listDeadLetters, purgeOlderThan, replayAll, replayIds, showDeadLetter } from '../dead-letters/redis-dlq';
import { exportDeadLetters, groupDeadLetters, importDeadLetters, matchingIds, replayEdited, searchStep } from '../dead-letters/dlq-search';
import { encryptPayload } from '../payload-crypto';
import { browseRabbitDlq, replayRabbitDlq } from '../dead-letters/rabbit-dlq';
import { listBullDead, originOfBullDlq, retryBullDead } from '../dead-letters/bull-dlq';
import type { CoreContext, HandlerGroup } from './context';

/** What a Redis Cluster refuses: replay copies to the origin and deletes from the DLQ in one script over two streams' slots. */
const REDIS_DLQ = 'Redis dead letters';

/**
 * Dead letters on Redis DLQ streams, BullMQ and RabbitMQ. Who may replay (not a dry run), import
 * and purge, which calls need a confirmation token and what each records in the audit logs is
 * declared in the contract and enforced by the dispatcher.
 */
export function dlqHandlers(ctx: CoreContext): HandlerGroup<'dlq.'> {
  const assertDlq = (source: string) => {
    if (!isDeadLetterName(source)) throw new CodedError('VALIDATION', `"${source}" is not a dead-letter stream (its name must end in .dlq, -dlq or _dlq)`);
  };
  const bullQueue = (envId: string, name: string) => {
    ctx.runtime(envId).assertNotCluster('BullMQ dead letters');
    const queue = ctx.runtime(envId).bull?.queue(name);
    if (!queue) throw new CodedError('NOT_FOUND', `no BullMQ queue "${name}" in this environment (deleted, or not discovered yet)`);
    return queue;
  };
  const amqpOf = (envId: string) => {
    const amqp = ctx.runtime(envId).amqp;
    if (!amqp) throw new CodedError('NOT_FOUND', 'this environment has no RabbitMQ');
    return amqp.connection();
  };
  return {
    'dlq.sources': async ({ envId }) => {
      const runtime = ctx.runtime(envId);
      const streams = runtime.monitor.snapshot().redis.streams ?? [];
      const sources = streams
        .filter((s) => s.isDeadLetter)
        .map((s) => ({ name: s.name, kind: 'redis-stream' as const, length: s.length, origin: s.name.replace(/(\.dlq|-dlq|_dlq)$/, '') || null }));
      // Stream discovery runs every 30 s; the seed's own DLQs are looked up directly (one pipeline
      // of six XLENs), so a DLQ the workers just created shows at once.
      const known = new Set(sources.map((s) => s.name));
      const missing = topologyFor(runtime.env.profile.namespace).deadLetterStreams.filter((name) => !known.has(name));
      if (missing.length && runtime.redis?.isReady && !runtime.redis.isCluster) {
        const pipeline = runtime.redis.standaloneClient.pipeline();
        for (const name of missing) pipeline.xlen(name);
        const lengths = (await pipeline.exec()) ?? [];
        missing.forEach((name, i) => {
          const [error, length] = lengths[i] ?? [];
          if (!error && typeof length === 'number' && length > 0) sources.push({ name, kind: 'redis-stream', length, origin: name.replace(/\.dlq$/, '') });
        });
      }
      return sources;
    },
    'dlq.list': async ({ envId, source, order, after, count }) => {
      assertDlq(source);
      return listDeadLetters(ctx.redisOf(envId, REDIS_DLQ), source, order, after, count, ctx.clock.now(), ctx.runtime(envId).env.payloadKey);
    },
    'dlq.show': async ({ envId, source, id }) => {
      assertDlq(source);
      return showDeadLetter(ctx.redisOf(envId, REDIS_DLQ), source, id, ctx.clock.now(), ctx.runtime(envId).env.payloadKey);
    },
    'dlq.checkPayload': async ({ envId, source, id, payload, target }) => {
      assertDlq(source);
      const entry = await showDeadLetter(ctx.redisOf(envId, REDIS_DLQ), source, id, ctx.clock.now(), null);
      const to = target ?? entry.originStream;
      if (!to) return { verdict: 'unchecked', target: null, reason: 'no origin stream recorded: give a target' };
      // The edited text is the plaintext (an encrypted original is encrypted again on replay).
      return checkEntry(to, Buffer.from(payload, 'utf8'), { namespace: ctx.runtime(envId).env.profile.namespace, payloadKey: null });
    },
    'dlq.replay': async ({ envId, source, ids, all, match, target, dryRun, maxReplays, force }) => {
      assertDlq(source);
      const client = ctx.redisOf(envId, REDIS_DLQ);
      const chosen = !all && match ? await matchingIds(client, source, match, 100_000, ctx.runtime(envId).env.payloadKey) : (ids ?? []);
      const runtime = ctx.runtime(envId);
      const options = { target: target ?? null, maxReplays, force, dryRun, check: { namespace: runtime.env.profile.namespace, payloadKey: runtime.env.payloadKey } };
      const outcome = all ? await replayAll(client, source, options) : await replayIds(client, source, chosen, options);
      ctx.logger.info(`dlq replay ${source}: ${JSON.stringify({ dryRun, replayed: outcome.replayed, skipped: outcome.skipped, failed: outcome.failed.length, targets: outcome.targets })}`);
      return outcome;
    },
    'dlq.replayEdited': async ({ envId, source, id, payload, target, maxReplays, force }, call) => {
      assertDlq(source);
      const result = await replayEdited(ctx.redisOf(envId, REDIS_DLQ), source, id, payload, { target: target ?? null, maxReplays, force, payloadKey: ctx.runtime(envId).env.payloadKey, encrypt: encryptPayload });
      // The original and the change go to the audit entry (the payload itself may be sensitive:
      // this console's log is local, 0600, and hash-chained; the team stream gets no payload).
      call.note({
        before: { payload: result.original },
        after: { status: result.status, target: result.target, newId: result.newId, diff: result.diff, reEncrypted: result.reEncrypted },
        ...(result.reason ? { reason: result.reason } : {}),
      });
      const { original: _original, diff: _diff, ...answer } = result;
      return answer;
    },
    'dlq.bullSources': async ({ envId }) => {
      const queues = ctx.runtime(envId).bull?.snapshot().queues ?? [];
      const sources = queues.flatMap((q) => [
        ...(q.failed > 0 ? [{ queue: q.name, kind: 'failed' as const, count: q.failed, origin: null }] : []),
        ...(originOfBullDlq(q.name) && q.waiting + q.prioritized > 0 ? [{ queue: q.name, kind: 'dlq-queue' as const, count: q.waiting + q.prioritized, origin: originOfBullDlq(q.name) }] : []),
      ]);
      return sources;
    },
    'dlq.bullList': async ({ envId, queue, kind, start, count }) => listBullDead(bullQueue(envId, queue), kind, start, count),
    'dlq.bullRetry': async ({ envId, queue, kind, ids, all, dryRun }) => {
      const origin = kind === 'dlq-queue' ? originOfBullDlq(queue) : null;
      const outcome = await retryBullDead(bullQueue(envId, queue), kind, all ? 'all' : (ids ?? []), { dryRun, origin: origin ? (ctx.runtime(envId).bull?.queue(origin) ?? null) : null, limit: 10_000 });
      void ctx.runtime(envId).bull?.tick();
      return outcome;
    },
    'dlq.rabbitSources': async ({ envId }) => {
      const queues = ctx.runtime(envId).monitor.snapshot().amqp.queues ?? [];
      return queues.filter((q) => q.isDeadLetter).map((q) => ({ name: q.name, ready: q.ready, unacked: q.unacked }));
    },
    'dlq.rabbitBrowse': async ({ envId, queue, count }) => browseRabbitDlq(amqpOf(envId), queue, count, ctx.runtime(envId).env.payloadKey),
    'dlq.rabbitReplay': async ({ envId, queue, count, target, dryRun, maxReplays, force }) => {
      const outcome = await replayRabbitDlq(amqpOf(envId), queue, { count, target: target ?? null, dryRun, maxReplays, force, namespace: ctx.runtime(envId).env.profile.namespace });
      ctx.logger.info(`dlq rabbit replay ${queue}: ${JSON.stringify({ dryRun, replayed: outcome.replayed, failed: outcome.failed.length, unknown: outcome.unknown })}`);
      void ctx.runtime(envId).monitor.tick();
      return outcome;
    },
    'dlq.search': async ({ envId, source, match, before, maxScan, limit }) => {
      assertDlq(source);
      return searchStep(ctx.redisOf(envId, REDIS_DLQ), source, match, before, maxScan, limit, ctx.clock.now(), ctx.runtime(envId).env.payloadKey);
    },
    'dlq.groups': async ({ envId, source, maxScan }) => {
      assertDlq(source);
      return groupDeadLetters(ctx.redisOf(envId, REDIS_DLQ), source, maxScan);
    },
    'dlq.export': async ({ envId, source, ids, match, limit }) => {
      assertDlq(source);
      const client = ctx.redisOf(envId, REDIS_DLQ);
      const chosen = match ? await matchingIds(client, source, match, limit, ctx.runtime(envId).env.payloadKey) : (ids ?? []).slice(0, limit);
      return exportDeadLetters(client, source, chosen);
    },
    'dlq.import': async ({ envId, source, lines }) => {
      assertDlq(source);
      const result = await importDeadLetters(ctx.redisOf(envId, REDIS_DLQ), source, lines);
      ctx.logger.info(`dlq import ${source}: ${JSON.stringify({ imported: result.imported, failed: result.failed.length })}`);
      return result;
    },
    'dlq.purgeIds': async ({ envId, source, ids }, call) => {
      assertDlq(source);
      const client = ctx.redisOf(envId, REDIS_DLQ);
      call.note({ before: { length: await client.xlen(source) } });
      let removed = 0;
      for (let i = 0; i < ids.length; i += 1000) removed += await client.xdel(source, ...ids.slice(i, i + 1000));
      call.note({ after: { length: await client.xlen(source) } });
      return { source, removed };
    },
    'dlq.purge': async ({ envId, source, olderThanMs }, call) => {
      assertDlq(source);
      const client = ctx.redisOf(envId, REDIS_DLQ);
      call.note({ before: { length: await client.xlen(source) } });
      const removed = await purgeOlderThan(client, source, olderThanMs, ctx.clock.now());
      call.note({ after: { length: await client.xlen(source) } });
      return { source, removed };
    },
  };
}
