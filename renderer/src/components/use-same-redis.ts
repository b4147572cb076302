import { useMemo } from 'react';
import { useStore } from 'zustand';
import { sameRedisAliases } from '../../../shared/model/overview';
import { useServices } from '../services';

/**
 * Environments that repeat another's data (same Redis server and namespace): envId → the
 * environment it repeats. The selector yields a string, so ticks that change nothing of it do
 * not re-render the caller.
 */
export function useSameRedis(): Readonly<Record<string, string>> {
  const { stores } = useServices();
  const environments = useStore(stores.environments, (s) => s.environments);
  const servers = useStore(stores.overview, (s) => environments.map((env) => s.byEnv[env.id]?.redis.serverId ?? '').join('\n'));
  return useMemo(() => {
    const byIndex = servers.split('\n');
    const serverOf = new Map(environments.map((env, i) => [env.id, byIndex[i] || null]));
    return sameRedisAliases(environments, (id) => serverOf.get(id));
  }, [environments, servers]);
}
