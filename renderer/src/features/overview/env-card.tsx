import { freshness } from '../../components/freshness';
import { useNow } from '../../components/use-now';
import { memo } from 'react';
import { useStore } from 'zustand';
import type { EnvironmentView } from '../../../../shared/model/environment';
import { ColourSwatch } from '../../components/colour-swatch';
import { formatClock } from '../../components/format';
import { useServices } from '../../services';
import { BrokerHeader } from './broker-header';
import { DatabaseSection } from './database-section';
import { DemoControlsRow } from './demo-controls';
import { QueuesSection } from './queues-table';
import { StreamsSection } from './streams-table';
import { useDemoControls } from './use-demo-controls';

/** Everything about one environment on one card: both brokers, their streams and queues, demo traffic. */
export const EnvCard = memo(function EnvCard({ env }: { env: EnvironmentView }) {
  const { stores } = useServices();
  const overview = useStore(stores.overview, (state) => state.byEnv[env.id]);
  const history = useStore(stores.overview, (state) => state.history[env.id]);
  const demo = useStore(stores.demo, (state) => state.byEnv[env.id]);
  const controls = useDemoControls(env.id);
  const isDemoRunning = demo?.running ?? false;
  const hasNoStreams = overview?.redis.streams?.length === 0;
  const hasNoQueues = overview?.amqp.queues?.length === 0;
  // Offer demo traffic once, in the first empty section, and only when nothing is flowing yet.
  const offerDemoIn = isDemoRunning ? null : hasNoStreams ? 'redis' : hasNoQueues && overview?.redis.streams == null ? 'amqp' : null;

  return (
    <article
      className={env.production ? 'card card-production' : 'card'}
      data-testid={`env-card-${env.id}`}
      style={{ borderTopColor: env.colour }}
      aria-label={env.name}
    >
      <header className="card-header">
        <ColourSwatch colour={env.colour} />
        <h2 className="card-title">{env.name}</h2>
        {env.production ? <span className="tag tag-production">PRODUCTION</span> : null}
        {env.namespace ? <span className="tag" title="Namespace prefixed to every stream and queue name">{env.namespace}</span> : null}
        {env.effectiveRole && env.effectiveRole !== env.role ? (
          <span className="tag" data-testid={`env-card-role-${env.id}`} title={(env.roleReasons ?? []).join('\n')}>
            {env.effectiveRole} (credentials)
          </span>
        ) : null}
        <SampleAge at={overview?.at ?? null} />
      </header>

      <section className="broker" aria-label="Redis">
        <BrokerHeader title="Redis" status={overview?.redis.status} staleSince={overview?.redis.staleSince ?? null} testId={`redis-status-${env.id}`} />
        {overview ? (
          <StreamsSection
            redis={overview.redis}
            history={history}
            demoOffer={offerDemoIn === 'redis' ? { onStart: controls.start, isDisabled: controls.isBusy || controls.rate === null, envId: env.id } : null}
          />
        ) : null}
      </section>

      <section className="broker" aria-label="RabbitMQ">
        <BrokerHeader title="RabbitMQ" status={overview?.amqp.status} staleSince={overview?.amqp.staleSince ?? null} testId={`amqp-status-${env.id}`} />
        {overview ? (
          <QueuesSection
            amqp={overview.amqp}
            demoOffer={offerDemoIn === 'amqp' ? { onStart: controls.start, isDisabled: controls.isBusy || controls.rate === null, envId: env.id } : null}
          />
        ) : null}
      </section>

      <DatabaseSection env={env} db={overview?.postgres} />

      <DemoControlsRow envId={env.id} status={demo} controls={controls} />
    </article>
  );
});

/** "updated 3 s ago", ticking; marked stale when the host's 1 s samples stopped coming. */
function SampleAge({ at }: { at: number | null }) {
  const now = useNow(1000);
  if (at === null) return <span className="card-updated muted small">waiting for first sample…</span>;
  const fresh = freshness(at, now, 1000);
  return (
    <span className={fresh.isStale ? 'card-updated stale small' : 'card-updated muted small'} title={`last sample ${formatClock(at)}`} data-testid="card-updated">
      {fresh.isStale ? `no new sample — ${fresh.label}` : fresh.label}
    </span>
  );
}
