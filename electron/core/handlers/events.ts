import { CodedError } from '../../../shared/contract/errors';
import type { EventHistory, EventFilter } from '../database/event-history';
import { instantOf } from '../database/event-history';
import { NO_DATABASE_REASON } from '../workers/processor-catalog';
import type { CoreContext, HandlerGroup } from './context';

/** Stored event history (issue 17): contract <-> the environment's EventHistory. */
export function eventHandlers(ctx: CoreContext): HandlerGroup<'events.'> {
  const historyOf = (envId: string): EventHistory => {
    const history = ctx.runtime(envId).history;
    if (!history) throw new CodedError('UNSUPPORTED', NO_DATABASE_REASON);
    return history;
  };
  const filterOf = (p: { since: number | string; until: number | string; asset?: string; severity?: string[]; type?: string }): EventFilter => ({
    since: instantOf(p.since, 'since'),
    until: instantOf(p.until, 'until'),
    ...(p.asset ? { asset: p.asset } : {}),
    ...(p.severity ? { severity: p.severity } : {}),
    ...(p.type ? { type: p.type } : {}),
  });
  return {
    'events.search': async (params) => historyOf(params.envId).search(filterOf(params), params.limit, params.before),
    'events.hourly': async (params) => historyOf(params.envId).hourly(filterOf(params)),
    'events.assetMetrics': async ({ envId, asset, since, until }) => historyOf(envId).assetMetrics(asset, instantOf(since, 'since'), instantOf(until, 'until')),
  };
}
