import { useStore } from 'zustand';
import { useSameRedis } from '../../components/use-same-redis';
import { useServices } from '../../services';

/**
 * Says when two profiles point at the same Redis under the same namespace (issue 21.2): they are
 * one set of streams and alerts seen twice, so actions on one show up as the other's. The badge
 * and the all-environments alert list already count them once; this says why and what to do.
 */
export function SameRedisWarning() {
  const { stores } = useServices();
  const environments = useStore(stores.environments, (s) => s.environments);
  const repeats = useSameRedis();
  const entries = Object.entries(repeats);
  if (!entries.length) return null;
  const nameOf = (id: string) => environments.find((env) => env.id === id)?.name ?? id;
  return (
    <div className="banner banner-warn" role="status" data-testid="same-redis-warning">
      {entries.map(([id, original]) => (
        <p key={id}>
          <strong>{nameOf(id)}</strong> and <strong>{nameOf(original)}</strong> are the same Redis server under the same namespace: they show the
          same streams and alerts, and an action in one appears in the other. Alerts are counted once (as {nameOf(original)}). Give one of them
          its own namespace, or remove the profile you do not need.
        </p>
      ))}
    </div>
  );
}
