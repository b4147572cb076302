import { useStore } from 'zustand';
import { readableTextColour } from '../../components/format';
import { useServices } from '../../services';

/** A banner in the environment's own colour for every production environment: hard to miss at 3 a.m. */
export function ProductionBanners() {
  const { stores } = useServices();
  const environments = useStore(stores.environments, (state) => state.environments);
  const production = environments.filter((env) => env.production);
  if (production.length === 0) return null;
  return (
    <div className="production-banners">
      {production.map((env) => (
        <div
          key={env.id}
          className="production-banner"
          role="note"
          data-testid={`production-banner-${env.id}`}
          style={{ backgroundColor: env.colour, color: readableTextColour(env.colour) }}
        >
          PRODUCTION — {env.name}
        </div>
      ))}
    </div>
  );
}
