import { CodedError } from '../../../shared/contract/errors';
import { isDeadLetterName } from '../../../shared/model/topology';
import { listDeadLetters, purgeOlderThan, replayAll, replayIds, showDeadLetter } from '../dead-letters/redis-dlq';
import { assertWritable } from '../environments/write-guard';
import type { CoreContext, HandlerGroup } from './context';

/** Dead letters on Redis DLQ streams. Replay (not a dry run) and purge are refused on read-only environments. */
export function dlqHandlers(ctx: CoreContext): HandlerGroup<'dlq.'> {
  const assertDlq = (source: string) => {
    if (!isDeadLetterName(source)) throw new CodedError('VALIDATION', `"${source}" is not a dead-letter stream (its name must end in .dlq, -dlq or _dlq)`);
  };
  return {
    'dlq.sources': async ({ envId }) => {
      const streams = ctx.runtime(envId).monitor.snapshot().redis.streams ?? [];
      return streams
        .filter((s) => s.isDeadLetter)
        .map((s) => ({ name: s.name, kind: 'redis-stream' as const, length: s.length, origin: s.name.replace(/(\.dlq|-dlq|_dlq)$/, '') || null }));
    },
    'dlq.list': async ({ envId, source, order, after, count }) => {
      assertDlq(source);
      return listDeadLetters(ctx.redisOf(envId), source, order, after, count, ctx.clock.now());
    },
    'dlq.show': async ({ envId, source, id }) => {
      assertDlq(source);
      return showDeadLetter(ctx.redisOf(envId), source, id, ctx.clock.now());
    },
    'dlq.replay': async ({ envId, source, ids, all, target, dryRun, maxReplays, force }) => {
      assertDlq(source);
      if (!dryRun) assertWritable(ctx.environments.get(envId), `replay dead letters from ${source}`);
      const client = ctx.redisOf(envId);
      const options = { target: target ?? null, maxReplays, force, dryRun };
      const outcome = all ? await replayAll(client, source, options) : await replayIds(client, source, ids ?? [], options);
      ctx.logger.info(`dlq replay ${source}: ${JSON.stringify({ dryRun, replayed: outcome.replayed, skipped: outcome.skipped, failed: outcome.failed.length, targets: outcome.targets })}`);
      return outcome;
    },
    'dlq.purge': async ({ envId, source, olderThanMs, confirm }) => {
      assertDlq(source);
      assertWritable(ctx.environments.get(envId), `purge dead letters of ${source}`);
      if (confirm !== source) throw new CodedError('VALIDATION', `purge refused: the confirmation must be the DLQ name "${source}" typed exactly`);
      return { source, removed: await purgeOlderThan(ctx.redisOf(envId), source, olderThanMs, ctx.clock.now()) };
    },
  };
}
