import { useStore } from 'zustand';
import { CommandButton } from '../../components/command-button';
import { useServices } from '../../services';
import { EnvCard } from './env-card';
import { FleetTable } from './fleet-table';
import { SameRedisWarning } from './same-redis-warning';

/** One card per environment (or only the one chosen in the top bar). */
export function OverviewScreen() {
  const { stores } = useServices();
  const environments = useStore(stores.environments, (state) => state.environments);
  const selectedId = useStore(stores.environments, (state) => state.selectedId);
  const isLoaded = useStore(stores.environments, (state) => state.isLoaded);
  const shown = selectedId === null ? environments : environments.filter((env) => env.id === selectedId);
  return (
    <section className="overview" aria-labelledby="overview-title">
      <h1 id="overview-title" className="screen-title">
        Overview
      </h1>
      {!isLoaded ? (
        <p className="empty">Loading environments…</p>
      ) : shown.length === 0 ? (
        <div className="empty">
          <p>No environments yet.</p>
          <CommandButton id="environments.add" className="button button-primary" />
        </div>
      ) : (
        <>
          <SameRedisWarning />
          <FleetTable />
          <div className="cards">
            {shown.map((env) => (
              <EnvCard key={env.id} env={env} />
            ))}
          </div>
        </>
      )}
    </section>
  );
}
