import { accessForConfirm } from '../../../shared/contract/methods';
import { testConnections } from '../brokers/connection-tester';
import type { DestinationsStore } from '../workers/destinations-store';
import type { CoreContext, HandlerGroup } from './context';

type EnvironmentHandlers = HandlerGroup<'environments.'> & HandlerGroup<'confirm.'>;

/**
 * Environment profiles (add, update, remove, test, write mode) and the confirmation tokens of
 * destructive actions. `markStale(id)` forces a reconnect of the environment's runtime.
 */
export function environmentHandlers(ctx: CoreContext, destinations: DestinationsStore, markStale: (id: string) => void): EnvironmentHandlers {
  const { environments } = ctx;
  return {
    'environments.list': () => environments.views(),
    'environments.add': (input) => environments.add(input),
    'environments.update': async ({ id, input }) => {
      // Passwords may change while the profile does not: force a reconnect. Marked before the
      // update so the reconcile it triggers sees the mark.
      markStale(id);
      return environments.update(id, input);
    },
    'environments.setWriteMode': async ({ id, minutes }, call) => {
      environments.get(id);
      call.note({ before: { writableUntil: environments.writableUntil(id) } });
      const until = environments.setWriteMode(id, minutes);
      call.note({ after: { writableUntil: until } });
      return environments.view(environments.get(id));
    },
    'environments.remove': async ({ id }) => {
      await environments.remove(id);
      await destinations.remove(id);
      return { id };
    },
    'environments.test': async ({ id, input }) => {
      const resolved = input ? await environments.resolveDraft(input, id) : await environments.resolveDirect(id!);
      return testConnections(resolved, ctx.redactor);
    },
    'confirm.issue': async ({ envId, action, target, typed }) => {
      // No token for what the role or the write mode would refuse anyway (the level the
      // contract declares for the methods this action guards).
      environments.assertAllowed(envId, `${action} ${target}`, accessForConfirm(action) === 'admin' ? 'administer' : 'operate');
      return ctx.confirmations.issue(envId, action, target, typed);
    },
  };
}
