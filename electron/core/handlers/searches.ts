import { SavedSearchStore } from '../searches/saved-search-store';
import type { CoreContext, HandlerGroup } from './context';

/**
 * Saved searches (issue 20): contract <-> the environment's saved-search store. Roles, write mode and
 * the local audit entry are the dispatcher's; the store writes the team entry with the change.
 */
export function searchHandlers(ctx: CoreContext): HandlerGroup<'searches.'> {
  const stores = new WeakMap<object, SavedSearchStore>();
  const storeOf = (envId: string): SavedSearchStore => {
    // One server: the scripts write the searches and the team audit stream together.
    const redis = ctx.redisOf(envId, 'Saved searches (their scripts write the team audit stream too)');
    let store = stores.get(redis);
    if (!store) {
      store = new SavedSearchStore(redis, ctx.environments.get(envId).namespace);
      stores.set(redis, store);
    }
    return store;
  };
  return {
    'searches.list': async ({ envId, kind }) => {
      const searches = await storeOf(envId).list();
      return { envId, readOnly: ctx.environments.isReadOnlyNow(ctx.environments.get(envId)), searches: kind ? searches.filter((s) => s.query.kind === kind) : searches };
    },
    'searches.save': async ({ envId, name, query, description, overwrite }, call) => {
      const store = storeOf(envId);
      if (overwrite) call.note({ before: await store.get(name) });
      return store.save({ name, query, overwrite, ...(description !== undefined ? { description } : {}) }, ctx.who(), ctx.clock.now());
    },
    'searches.delete': async ({ envId, name }, call) => {
      const store = storeOf(envId);
      call.note({ before: await store.get(name) });
      return store.delete(name, ctx.who(), ctx.clock.now());
    },
    'searches.recordRun': async ({ envId, name, updatedAt, count, isComplete, source }) =>
      storeOf(envId).recordRun(name, updatedAt, { count, isComplete, at: ctx.clock.now(), by: ctx.who(), ...(source ? { source } : {}) }),
  };
}
