import { CodedError } from '../../../shared/contract/errors';
import { nextWindow, silenceStatus } from '../../../shared/model/silences';
import type { SilenceStore } from '../alerts/silence-store';
import type { CoreContext, HandlerGroup } from './context';

/**
 * Silences (issue 20): contract <-> the environment's silence store (the alert store's, so the
 * engines and ingest of this console read the same records). Roles, write mode and the local audit
 * entry are the dispatcher's; the store writes the team entry with the change.
 */
export function silenceHandlers(ctx: CoreContext): HandlerGroup<'silences.'> {
  const storeOf = (envId: string): SilenceStore => {
    ctx.runtime(envId).assertNotCluster('Silences (their scripts touch the alert keys)');
    const service = ctx.runtime(envId).alerts;
    if (!service) throw new CodedError('NOT_FOUND', 'this environment has no Redis: silences live in Redis');
    ctx.redisOf(envId); // BROKER_UNAVAILABLE with the reason when Redis is down
    return service.store.silences;
  };
  return {
    'silences.list': async ({ envId }) => {
      const store = storeOf(envId);
      const [silences, matched] = await Promise.all([store.list(), store.matchedCounts()]);
      const now = ctx.clock.now();
      return {
        envId,
        now,
        readOnly: ctx.environments.isReadOnlyNow(ctx.environments.get(envId)),
        silences: silences.map((s) => ({ ...s, status: silenceStatus(s, now), window: nextWindow(s, now), matched: matched[s.id] ?? 0 })),
      };
    },
    'silences.add': async ({ envId, matchers, schedule, reason }) => storeOf(envId).add({ matchers, schedule, reason }, ctx.who(), ctx.clock.now()),
    'silences.expire': async ({ envId, id, reason }, call) => {
      const store = storeOf(envId);
      call.note({ before: await store.get(id) });
      return store.expire(id, ctx.who(), ctx.clock.now(), reason);
    },
  };
}
