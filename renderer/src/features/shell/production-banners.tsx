import { useState } from 'react';
import { useStore } from 'zustand';
import type { EnvironmentView } from '../../../../shared/model/environment';
import { switchWriteMode } from '../../actions/environment-actions';
import { readableTextColour } from '../../components/format';
import { useServices } from '../../services';
import { useNow } from '../../components/use-now';

/** "12:04" left of a write-mode window. */
export function timeLeft(until: number, now: number): string {
  const s = Math.max(0, Math.round((until - now) / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * The production environments whose banner is up: all of them while "All environments" is
 * selected (a screen may act on any), else only the selected one's — a production banner never
 * stays up over a staging environment.
 */
export function bannersInView(environments: readonly EnvironmentView[], selectedId: string | null): EnvironmentView[] {
  return environments.filter((env) => env.production && (selectedId === null || env.id === selectedId));
}

/**
 * A banner in the environment's own colour for every production environment in view: hard to miss at
 * 3 a.m. It says whether writes are refused, the role, and switches timed write mode on and off.
 */
export function ProductionBanners() {
  const { stores } = useServices();
  const environments = useStore(stores.environments, (state) => state.environments);
  const selectedId = useStore(stores.environments, (state) => state.selectedId);
  const production = bannersInView(environments, selectedId);
  if (production.length === 0) return null;
  return (
    <div className="production-banners">
      {production.map((env) => (
        <Banner key={env.id} env={env} />
      ))}
    </div>
  );
}

function Banner({ env }: { env: EnvironmentView }) {
  const services = useServices();
  const now = useNow(1000);
  const [error, setError] = useState<string | null>(null);
  const setMode = async (minutes: number) => {
    const answer = await switchWriteMode(services, env.id, minutes);
    setError(answer.ok ? null : answer.error.message);
  };
  const isWriteMode = env.writableUntil !== null && env.writableUntil > now;
  // The role in force: the profile's, narrowed to what the credentials allow.
  const role = env.effectiveRole ?? env.role;
  return (
    <div className="production-banner" role="note" data-testid={`production-banner-${env.id}`} style={{ backgroundColor: env.colour, color: readableTextColour(env.colour) }}>
      <span>
        PRODUCTION — {env.name} · {role}
        {role === 'viewer' ? (
          ' · read-only (your role)'
        ) : env.opensReadOnly ? (
          isWriteMode ? (
            <strong data-testid={`write-mode-${env.id}`}> · WRITE MODE, ends in {timeLeft(env.writableUntil!, now)}</strong>
          ) : (
            ' · read-only'
          )
        ) : (
          ' · writes allowed'
        )}
      </span>
      {env.opensReadOnly && role !== 'viewer' ? (
        isWriteMode ? (
          <button type="button" className="button banner-button" onClick={() => void setMode(0)} data-testid={`write-mode-end-${env.id}`}>
            End write mode
          </button>
        ) : (
          <button type="button" className="button banner-button" onClick={() => void setMode(15)} data-testid={`write-mode-start-${env.id}`} title="Allows changes on this environment for 15 minutes; it switches back by itself">
            Allow changes for 15 min
          </button>
        )
      ) : null}
      {error ? <span role="alert"> {error}</span> : null}
    </div>
  );
}
