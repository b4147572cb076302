import { memo, useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { EnvironmentView } from '../../../../shared/model/environment';
import { BrokerHeader } from '../overview/broker-header';
import { useServices } from '../../services';
import { RabbitBrokerSection } from './rabbit-broker';
import { RabbitQueueDetail } from './rabbit-queue-detail';
import { RabbitQueueTable } from './rabbit-queue-table';
import { PASSIVE_NOTE, STATS_LAG_NOTE, appendDepths, type QueueSparklines } from './rabbit-queues.logic';

/** RabbitMQ queues of every environment (or the one chosen in the top bar): table, detail charts, purge. */
export function RabbitQueuesPanel() {
  const { stores } = useServices();
  const environments = useStore(stores.environments, (state) => state.environments);
  const selectedId = useStore(stores.environments, (state) => state.selectedId);
  const isLoaded = useStore(stores.environments, (state) => state.isLoaded);
  const shown = selectedId === null ? environments : environments.filter((env) => env.id === selectedId);
  return (
    <section className="rabbit-panel" aria-labelledby="rabbit-title" data-testid="rabbit-panel">
      <h2 id="rabbit-title" className="rabbit-panel-title">
        RabbitMQ
      </h2>
      {!isLoaded ? <p className="empty">Loading environments…</p> : shown.length === 0 ? <p className="empty">No environments yet.</p> : null}
      {shown.map((env) => (
        <RabbitEnvironment key={env.id} env={env} />
      ))}
    </section>
  );
}

/** A minute of depth per queue for the sparklines, gathered from the pushed overviews while the panel is open. */
function useQueueSparklines(envId: string): QueueSparklines {
  const { stores } = useServices();
  const [sparklines, setSparklines] = useState<QueueSparklines>({});
  useEffect(() => {
    let lastAt = -1;
    const take = (overview: ReturnType<typeof stores.overview.getState>['byEnv'][string] | undefined) => {
      if (!overview || overview.at <= lastAt) return;
      lastAt = overview.at;
      setSparklines((previous) => appendDepths(previous, overview.amqp.queues));
    };
    take(stores.overview.getState().byEnv[envId]);
    return stores.overview.subscribe((state) => take(state.byEnv[envId]));
  }, [stores, envId]);
  return sparklines;
}

const RabbitEnvironment = memo(function RabbitEnvironment({ env }: { env: EnvironmentView }) {
  const { stores } = useServices();
  const amqp = useStore(stores.overview, (state) => state.byEnv[env.id]?.amqp);
  const sparklines = useQueueSparklines(env.id);
  const [selected, setSelected] = useState<string | null>(null);
  const isPassive = amqp?.source === 'passive';
  return (
    <section className="rabbit-env" aria-label={`RabbitMQ of ${env.name}`} data-testid={`rabbit-env-${env.id}`} style={{ borderLeftColor: env.colour }}>
      <div className="rabbit-env-header">
        <h3 className="rabbit-env-name">{env.name}</h3>
        {env.readOnly ? <span className="tag tag-production" title="Write actions are refused on this environment">READ-ONLY</span> : null}
        <BrokerHeader title="RabbitMQ" status={amqp?.status} staleSince={amqp?.staleSince ?? null} testId={`rabbit-status-${env.id}`} />
      </div>
      {!amqp ? (
        <p className="empty">Waiting for the first sample…</p>
      ) : amqp.status.state === 'not-configured' ? (
        <p className="empty">RabbitMQ is not configured for this environment.</p>
      ) : (
        <>
          {env.managementUrl !== null ? <RabbitBrokerSection env={env} /> : null}
          {isPassive ? (
            <p className="note rabbit-note-warn" data-testid="rabbit-passive-note">
              {PASSIVE_NOTE}
            </p>
          ) : amqp.source === 'management' ? (
            <p className="note" data-testid="rabbit-stats-note">
              {STATS_LAG_NOTE}
            </p>
          ) : null}
          {amqp.note && !isPassive ? <p className="note">{amqp.note}</p> : null}
          {amqp.queues === null ? (
            <p className="empty">{amqp.status.state === 'connecting' ? 'Connecting to RabbitMQ…' : amqp.status.state === 'connected' ? 'Reading queues…' : 'No queue data: RabbitMQ cannot be read right now.'}</p>
          ) : amqp.queues.length === 0 ? (
            <p className="empty">No queues{env.namespace ? ` under ${env.namespace}` : ''} yet. Demo traffic (Overview) creates the seed queues.</p>
          ) : (
            <RabbitQueueTable
              queues={amqp.queues}
              sparklines={sparklines}
              isStale={amqp.staleSince !== null || amqp.status.state !== 'connected'}
              selected={selected}
              onSelect={(name) => setSelected((current) => (current === name ? null : name))}
            />
          )}
          {selected !== null ? (
            <RabbitQueueDetail
              key={selected}
              env={env}
              queue={selected}
              live={amqp.queues?.find((q) => q.name === selected) ?? null}
              isConnected={amqp.status.state === 'connected'}
              hasManagement={amqp.source === 'management'}
              onClose={() => setSelected(null)}
            />
          ) : null}
        </>
      )}
    </section>
  );
});
