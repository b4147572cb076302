import { useMemo, useState } from 'react';
import { useStore } from 'zustand';
import type { EnvironmentView } from '../../../../shared/model/environment';
import { formatCount } from '../../components/format';
import { useServices } from '../../services';
import { RabbitEntries } from './rabbit-dead-letters';
import { BullEntries } from './bull-dead-letters';
import type { BullDeadSource } from '../../../../shared/model/bull-dlq';
import { brokerDownText } from '../../stores/overview.logic';
import { bullDeadLetterSources, rabbitDeadLetterSources, redisDeadLetterSources } from '../../../../shared/model/dead-letter-sources';
import { EnvPicker, usePageEnvironment } from '../../components/env-picker';
import { Entries } from './dead-letters-entries';
import { ReplayJobsPanel } from './replay-jobs-panel';
import type { SavedSearchView } from '../../../../shared/model/saved-searches';

/** Dead letters of the Redis DLQ streams of one environment: browse, inspect, replay (dry run first), for the analyst. */
export function DeadLettersScreen() {
  const { stores } = useServices();
  const environments = useStore(stores.environments, (state) => state.environments);
  const withRedis = environments.filter((env) => env.redis !== null);
  const { env, pick } = usePageEnvironment(withRedis);
  return (
    <section className="screen-section" aria-labelledby="dlq-title" data-testid="dlq-screen">
      <div className="streams-toolbar">
        <h1 id="dlq-title" className="screen-title">
          Dead letters
        </h1>
        <EnvPicker candidates={withRedis} value={env?.id ?? null} onPick={pick} testId="dlq-env" />
        {env?.readOnly ? (
          <span className="tag tag-production" title="Replay and purge are refused on this environment">
            READ-ONLY
          </span>
        ) : null}
      </div>
      {env === null ? <p className="empty">No environment with Redis.</p> : <DeadLetters key={env.id} env={env} />}
    </section>
  );
}

function DeadLetters({ env }: { env: EnvironmentView }) {
  const { stores } = useServices();
  const redisStatus = useStore(stores.overview, (state) => state.byEnv[env.id]?.redis.status);
  // Unknown is not zero (issue 21.3): with Redis down, "no dead letters" would be a false all-clear.
  const redisDown = brokerDownText('Redis', redisStatus);
  // Derived from what the host pushes (the overview and the BullMQ overview), never polled: the
  // monitor samples the seed's DLQ streams on every tick, so a new one shows within a second.
  const overview = useStore(stores.overview, (state) => state.byEnv[env.id]);
  const bullOverview = useStore(stores.bullmq, (state) => state.byEnv[env.id]);
  const list = useMemo(() => redisDeadLetterSources(overview), [overview]);
  const bullList = useMemo(() => bullDeadLetterSources(bullOverview), [bullOverview]);
  const rabbitList = useMemo(() => (env.amqp === null ? [] : rabbitDeadLetterSources(overview)), [env.amqp, overview]);
  const [source, setSource] = useState<string | null>(null);
  const [rabbitQueue, setRabbitQueue] = useState<string | null>(null);
  const [bullSource, setBullSource] = useState<BullDeadSource | null>(null);
  /** A saved search of another DLQ (issue 20): that DLQ opens and runs it. */
  const [pendingSaved, setPendingSaved] = useState<SavedSearchView | null>(null);
  // Bumped when a replay job of a source ends, so that source's entries are read again (they moved).
  const [finishedTick, setFinishedTick] = useState<Record<string, number>>({});
  const tickOf = (name: string) => finishedTick[name] ?? 0;
  const openSaved = (s: SavedSearchView) => {
    if (s.query.kind !== 'dlq' || !s.query.source) return;
    setRabbitQueue(null);
    setBullSource(null);
    setSource(s.query.source);
    setPendingSaved(s);
  };
  const current = source ?? [...(list ?? [])].sort((a, b) => b.length - a.length)[0]?.name ?? null;
  return (
    <div className="dlq-layout">
      <section className="streams-env" aria-label="Dead-letter streams" style={{ borderLeftColor: env.colour }}>
        <h3 className="streams-env-name">Dead-letter streams</h3>
        {redisDown !== null ? (
          <p className="form-error" role="status" data-testid="dlq-redis-down">
            {redisDown} is not reachable: the dead letters cannot be read, so how many there are is unknown{list !== null && list.length > 0 ? ' (the list below is from before)' : ''}.
          </p>
        ) : null}
        {list === null ? (
          redisDown !== null ? null : <p className="empty">Loading…</p>
        ) : list.length === 0 ? (
          redisDown !== null ? null : (
            <p className="empty">No dead-letter stream{env.namespace ? ` under ${env.namespace}` : ''}: nothing has failed (or the demo has not created the topology yet).</p>
          )
        ) : (
          <ul className="dlq-sources">
            {list.map((s) => (
              <li key={s.name}>
                <button
                  type="button"
                  className={s.name === current && !rabbitQueue ? 'button dlq-source is-current' : 'button button-quiet dlq-source'}
                  data-testid={`dlq-source-${s.name}`}
                  onClick={() => {
                    setRabbitQueue(null);
                    setBullSource(null);
                    setPendingSaved(null);
                    setSource(s.name);
                  }}
                >
                  <span className="mono">{s.name}</span> <span className={s.length > 0 ? 'tag tag-dlq' : 'muted small'}>{formatCount(s.length)}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
        {bullList.length > 0 ? (
          <>
            <h3 className="streams-env-name">BullMQ</h3>
            <ul className="dlq-sources">
              {bullList.map((b) => (
                <li key={`${b.queue}/${b.kind}`}>
                  <button
                    type="button"
                    className={bullSource?.queue === b.queue && bullSource.kind === b.kind ? 'button dlq-source is-current' : 'button button-quiet dlq-source'}
                    data-testid={`bull-dlq-source-${b.queue}-${b.kind}`}
                    onClick={() => {
                      setRabbitQueue(null);
                      setBullSource(b);
                    }}
                  >
                    <span className="mono">{b.queue}</span> <span className="muted small">{b.kind === 'failed' ? 'failed' : 'DLQ'}</span> <span className="tag tag-dlq">{formatCount(b.count)}</span>
                  </button>
                </li>
              ))}
            </ul>
          </>
        ) : null}
        {rabbitList.length > 0 ? (
          <>
            <h3 className="streams-env-name">RabbitMQ dead-letter queues</h3>
            <ul className="dlq-sources">
              {rabbitList.map((q) => (
                <li key={q.name}>
                  <button type="button" className={q.name === rabbitQueue ? 'button dlq-source is-current' : 'button button-quiet dlq-source'} data-testid={`rabbit-dlq-source-${q.name}`} onClick={() => (setBullSource(null), setRabbitQueue(q.name))}>
                    <span className="mono">{q.name}</span> <span className={q.ready > 0 ? 'tag tag-dlq' : 'muted small'}>{formatCount(q.ready)}</span>
                  </button>
                </li>
              ))}
            </ul>
          </>
        ) : null}
        <ReplayJobsPanel envId={env.id} canWrite={!env.readOnly} onFinished={(name) => setFinishedTick((t) => ({ ...t, [name]: (t[name] ?? 0) + 1 }))} />
      </section>
      {bullSource ? <BullEntries key={`${bullSource.queue}/${bullSource.kind}/${tickOf(bullSource.queue)}`} env={env} source={bullSource} /> : rabbitQueue ? <RabbitEntries key={`${rabbitQueue}/${tickOf(rabbitQueue)}`} env={env} queue={rabbitQueue} /> : current ? <Entries key={current} env={env} source={current} total={list?.find((s) => s.name === current)?.length ?? null} saved={pendingSaved?.query.kind === 'dlq' && pendingSaved.query.source === current ? pendingSaved : null} onOpenSaved={openSaved} /> : null}
    </div>
  );
}
