import { memo, useMemo, useState } from 'react';
import { useStore } from 'zustand';
import type { EnvironmentView } from '../../../../shared/model/environment';
import { useServices } from '../../services';
import { BrokerHeader } from '../overview/broker-header';
import { StreamDetail } from './stream-detail';
import { StreamsTable } from './streams-table';
import { BullInternalsToggle } from './bull-internals';
import { filterStreams, withoutBullInternals } from './streams.logic';

/** Redis streams of every environment (or the one chosen in the top bar): table, groups, detail with charts, pending entries and actions. */
export function StreamsScreen() {
  const { stores } = useServices();
  const environments = useStore(stores.environments, (state) => state.environments);
  const selectedId = useStore(stores.environments, (state) => state.selectedId);
  const isLoaded = useStore(stores.environments, (state) => state.isLoaded);
  const [filter, setFilter] = useState('');
  const [showBull, setShowBull] = useState(false);
  const shown = selectedId === null ? environments : environments.filter((env) => env.id === selectedId);
  return (
    <section className="screen-section streams-panel" aria-labelledby="streams-title" data-testid="streams-screen">
      <div className="streams-toolbar">
        <h1 id="streams-title" className="screen-title">
          Streams
        </h1>
        <input
          className="input streams-filter"
          type="search"
          placeholder="Filter streams by name"
          aria-label="Filter streams by name"
          data-testid="streams-filter"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
        <BullInternalsToggle isShown={showBull} hidden={0} onChange={setShowBull} testId="streams-show-bull" />
      </div>
      {!isLoaded ? <p className="empty">Loading environments…</p> : shown.length === 0 ? <p className="empty">No environments yet.</p> : null}
      {shown.map((env) => (
        <StreamsEnvironment key={env.id} env={env} filter={filter} showBull={showBull} />
      ))}
    </section>
  );
}

const StreamsEnvironment = memo(function StreamsEnvironment({ env, filter, showBull }: { env: EnvironmentView; filter: string; showBull: boolean }) {
  const { stores } = useServices();
  const redis = useStore(stores.overview, (state) => state.byEnv[env.id]?.redis);
  const sparklines = useStore(stores.overview, (state) => state.history[env.id]);
  const [selected, setSelected] = useState<string | null>(null);
  const isConnected = redis?.status.state === 'connected';
  const all = redis?.streams ?? null;
  const listed = useMemo(() => (all === null ? null : withoutBullInternals(all, showBull)), [all, showBull]);
  const streams = listed?.streams ?? null;
  const live = selected === null || streams === null ? null : (streams.find((s) => s.name === selected) ?? null);
  return (
    <section className="streams-env" aria-label={`Streams of ${env.name}`} data-testid={`streams-env-${env.id}`} style={{ borderLeftColor: env.colour }}>
      <div className="streams-env-header">
        <h3 className="streams-env-name">{env.name}</h3>
        {env.readOnly ? (
          <span className="tag tag-production" title="Write actions are refused on this environment">
            READ-ONLY
          </span>
        ) : null}
        <BrokerHeader title="Redis" status={redis?.status} staleSince={redis?.staleSince ?? null} testId={`streams-status-${env.id}`} />
        {streams !== null ? (
          <span className="muted small" data-testid={`streams-count-${env.id}`}>
            {streams.length} stream{streams.length === 1 ? '' : 's'}
            {listed && listed.hidden > 0 ? ` · ${listed.hidden} BullMQ internal hidden` : ''}
          </span>
        ) : null}
      </div>
      {redis?.truncated ? (
        <p className="note streams-note-warn" data-testid="streams-truncated">
          Discovery stopped at its limit: not every stream of this environment is listed. Narrow the environment&apos;s namespace to see the rest.
        </p>
      ) : null}
      {selected !== null ? (
        <StreamDetail key={selected} env={env} stream={selected} live={live} isListed={streams !== null} isConnected={isConnected} onClose={() => setSelected(null)} />
      ) : null}
      {!redis ? (
        <p className="empty">Waiting for the first sample…</p>
      ) : redis.status.state === 'not-configured' ? (
        <p className="empty">Redis is not configured for this environment.</p>
      ) : streams === null ? (
        <p className="empty" data-testid="streams-unavailable">
          {redis.status.state === 'connecting' ? 'Connecting to Redis…' : redis.status.state === 'connected' ? 'Reading streams…' : 'No stream data: Redis cannot be read right now.'}
        </p>
      ) : streams.length === 0 && listed && listed.hidden > 0 ? (
        <p className="empty">No pipeline streams{env.namespace ? ` under ${env.namespace}` : ''} yet: only BullMQ&apos;s internal ones (Show BullMQ internals lists them).</p>
      ) : streams.length === 0 ? (
        <p className="empty">No streams{env.namespace ? ` under ${env.namespace}` : ''} yet. Demo traffic (Overview) creates the seed streams.</p>
      ) : (
        <StreamsTable
          streams={filterStreams(streams, filter)}
          sparklines={sparklines}
          isStale={redis.staleSince !== null || !isConnected}
          selected={selected}
          onSelect={(name) => setSelected((current) => (current === name ? null : name))}
        />
      )}
    </section>
  );
});
