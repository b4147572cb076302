import { useEffect, useRef, useState } from 'react';
import { useStore } from 'zustand';
import type { EnvironmentView } from '../../../../shared/model/environment';
import { seedChannels } from '../../../../shared/model/pubsub';
import { formatBytes, formatClock, formatCount } from '../../components/format';
import { usePolledCall } from '../../components/use-polled-call';
import { useServices } from '../../services';
import { publishMessage } from '../../actions/pubsub-actions';
import { EnvPicker, usePageEnvironment } from '../../components/env-picker';
import { clearTail, emptyTail, globMatches, receiveBatch, setPaused, type TailView } from './pubsub.logic';

const KEEP_ALIVE_MS = 30_000;

/** Redis pub/sub (seed 004) of one environment: channels with subscribers, a live tail and a test publish. */
export function PubSubScreen() {
  const { stores } = useServices();
  const environments = useStore(stores.environments, (state) => state.environments);
  const withRedis = environments.filter((env) => env.redis !== null);
  const { env, pick } = usePageEnvironment(withRedis);
  return (
    <section className="screen-section" aria-labelledby="pubsub-title" data-testid="pubsub-screen">
      <div className="streams-toolbar">
        <h1 id="pubsub-title" className="screen-title">
          Pub/sub
        </h1>
        <EnvPicker candidates={withRedis} value={env?.id ?? null} onPick={pick} testId="pubsub-env" />
        {env?.readOnly ? (
          <span className="tag tag-production" title="Publishing is refused on this environment">
            READ-ONLY
          </span>
        ) : null}
      </div>
      {env === null ? <p className="empty">No environment with Redis.</p> : <PubSubEnvironment key={env.id} env={env} />}
    </section>
  );
}

function PubSubEnvironment({ env }: { env: EnvironmentView }) {
  const [tailTarget, setTailTarget] = useState(`${env.namespace}cognisync:*`);
  const channels = usePolledCall('pubsub.channels', { envId: env.id }, env.id, 3000);
  // The running tail, so the list can say which channels it receives (a pattern is not in NUMSUB).
  const [activeTail, setActiveTail] = useState<{ channel: string; isPattern: boolean } | null>(null);
  const list = channels.state === 'ready' ? channels.value : channels.state === 'error' ? channels.last : null;
  return (
    <div className="pubsub-layout">
      <section className="streams-env pubsub-channels" aria-label="Channels" style={{ borderLeftColor: env.colour }}>
        <h3 className="streams-env-name">Channels{env.namespace ? ` under ${env.namespace}` : ''}</h3>
        {channels.state === 'error' ? <p className="bad">Channels unavailable: {channels.message}</p> : null}
        {list === null ? (
          <p className="empty">Loading channels…</p>
        ) : (
          <>
            <table className="data-table" data-testid="pubsub-channels">
              <thead>
                <tr>
                  <th scope="col">Channel</th>
                  <th scope="col" className="num">
                    Subscribers
                  </th>
                  <th scope="col" />
                </tr>
              </thead>
              <tbody>
                {list.channels.map((c) => (
                  <tr key={c.name} data-testid={`pubsub-channel-${c.name}`}>
                    <th scope="row" className="name-cell mono">
                      {c.name} {c.isKnown ? <span className="tag" title="A seed 004 channel">seed</span> : null}
                    </th>
                    <td className={c.subscribers === 0 ? 'num muted' : 'num'} data-testid="pubsub-subscribers">
                      {formatCount(c.subscribers)}
                      {activeTail?.isPattern && globMatches(activeTail.channel, c.name) ? (
                        <span className="tag" data-testid="pubsub-tailed" title={`This console's tail receives it through the pattern ${activeTail.channel}. Redis counts pattern subscribers only in total (below), not per channel, so they are not in this number.`}>
                          + this tail (pattern)
                        </span>
                      ) : null}
                    </td>
                    <td>
                      <button type="button" className="button button-quiet" onClick={() => setTailTarget(c.name)}>
                        Tail
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="muted small">
              {formatCount(list.patternSubscriptions)} pattern subscription{list.patternSubscriptions === 1 ? '' : 's'} on the whole server (Redis does not tell them per namespace) · as
              of {formatClock(list.at)}
              {list.truncated ? ' · more active channels than listed' : ''}
            </p>
          </>
        )}
      </section>
      <Tail env={env} target={tailTarget} onTarget={setTailTarget} onActive={setActiveTail} />
      <Publish env={env} />
    </div>
  );
}

function Tail({ env, target, onTarget, onActive }: { env: EnvironmentView; target: string; onTarget: (value: string) => void; onActive: (tail: { channel: string; isPattern: boolean } | null) => void }) {
  const { client } = useServices();
  const [tail, setTail] = useState<{ tailId: string; channel: string; isPattern: boolean } | null>(null);
  const [view, setView] = useState<TailView>(emptyTail);
  const [error, setError] = useState<string | null>(null);
  const tailRef = useRef(tail);
  tailRef.current = tail;
  const isPattern = /[*?[]/.test(target);
  useEffect(() => onActive(tail ? { channel: tail.channel, isPattern: tail.isPattern } : null), [tail, onActive]);

  useEffect(() => {
    if (!tail) return;
    const off = client.on('pubsub.messages', ({ batches }) => {
      for (const batch of batches) if (batch.tailId === tail.tailId) setView((v) => receiveBatch(v, batch.messages, batch.dropped));
    });
    const keepAlive = setInterval(() => void client.call('pubsub.keepTailsAlive', { envId: env.id, tailIds: [tail.tailId] }), KEEP_ALIVE_MS);
    return () => {
      off();
      clearInterval(keepAlive);
    };
  }, [client, env.id, tail]);
  // Leaving the screen stops the tail (the host would also expire it after 2 minutes).
  useEffect(() => () => void (tailRef.current && client.call('pubsub.stopTail', { envId: env.id, tailId: tailRef.current.tailId })), [client, env.id]);

  const start = async () => {
    setError(null);
    if (tail) await client.call('pubsub.stopTail', { envId: env.id, tailId: tail.tailId });
    const result = await client.call('pubsub.startTail', { envId: env.id, channel: target.trim(), isPattern });
    if (result.ok) {
      setTail(result.value);
      setView(emptyTail);
    } else {
      setTail(null);
      setError(`${result.error.code}: ${result.error.message}`);
    }
  };
  const stop = async () => {
    if (!tail) return;
    await client.call('pubsub.stopTail', { envId: env.id, tailId: tail.tailId });
    setTail(null);
  };

  return (
    <section className="streams-env pubsub-tail" aria-label="Live tail" style={{ borderLeftColor: env.colour }}>
      <h3 className="streams-env-name">Live tail</h3>
      <form
        className="pubsub-row"
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
      >
        <input className="input mono pubsub-wide" aria-label="Channel or pattern" data-testid="pubsub-tail-channel" value={target} onChange={(e) => onTarget(e.target.value)} />
        <span className="muted small">{isPattern ? 'pattern' : 'channel'}</span>
        <button type="submit" className="button button-primary" data-testid="pubsub-tail-start" disabled={target.trim() === ''}>
          {tail ? 'Restart' : 'Start tail'}
        </button>
        <button type="button" className="button" data-testid="pubsub-tail-stop" disabled={!tail} onClick={() => void stop()}>
          Stop
        </button>
        <button type="button" className="button" data-testid="pubsub-pause" disabled={!tail} onClick={() => setView((v) => setPaused(v, !v.isPaused))}>
          {view.isPaused ? `Resume (${formatCount(view.held.length)} held)` : 'Pause'}
        </button>
        <button type="button" className="button button-quiet" data-testid="pubsub-clear" onClick={() => setView(clearTail)}>
          Clear
        </button>
      </form>
      {error ? (
        <p className="bad" role="alert">
          {error}
        </p>
      ) : null}
      <p className="muted small" data-testid="pubsub-tail-status">
        {tail ? `Tailing ${tail.channel}${tail.isPattern ? ' (pattern)' : ''}` : 'Not tailing.'} · {formatCount(view.received)} received
        {view.dropped > 0 ? ` · ${formatCount(view.dropped)} dropped (more than 200 per quarter second, or held past ${formatCount(1000)})` : ''}
        {view.isPaused ? ' · paused: new messages are held, not shown' : ''}
      </p>
      {view.messages.length > 0 ? (
        <table className="data-table pubsub-messages" data-testid="pubsub-messages">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Channel</th>
              <th scope="col" className="num">
                Size
              </th>
              <th scope="col">Message</th>
            </tr>
          </thead>
          <tbody>
            {view.messages.map((m, i) => (
              <tr key={`${m.at}-${view.received - i}`} data-testid="pubsub-message">
                <td className="mono small">{formatClock(m.at)}</td>
                <td className="mono small">{m.channel}</td>
                <td className="num small">{formatBytes(m.size)}</td>
                <td className="mono pubsub-preview">
                  {m.encoding === 'hex' ? <span className="tag" title="Not UTF-8 text: shown as hex">hex</span> : null} {m.preview}
                  {m.truncated ? <span className="muted"> … (first 4 KiB)</span> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : tail ? (
        <p className="empty">Waiting for messages…</p>
      ) : null}
    </section>
  );
}

function Publish({ env }: { env: EnvironmentView }) {
  const { client } = useServices();
  const [channel, setChannel] = useState(seedChannels(env.namespace)[1]!);
  const [message, setMessage] = useState('{"messageType":"CACHE_INVALIDATION","timestamp":"","payload":{"cacheKeys":["test"],"reason":"MANUAL","affectedServices":["watchfloor"]}}');
  const [result, setResult] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(null);
  const blocked = env.readOnly ? `${env.name} is read-only: publishing is not allowed here.` : null;
  return (
    <section className="streams-env pubsub-publish" aria-label="Publish a test message" style={{ borderLeftColor: env.colour }}>
      <h3 className="streams-env-name">Publish a test message</h3>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          const r = await publishMessage({ client }, env.id, channel, message);
          setResult(r.ok ? { tone: 'ok', text: `${formatClock(Date.now())} — published to ${r.value.channel}: ${r.value.receivers} subscriber${r.value.receivers === 1 ? '' : 's'} received it` } : { tone: 'bad', text: `${r.error.code}: ${r.error.message}` });
        }}
      >
        <input className="input mono pubsub-wide" aria-label="Channel" data-testid="pubsub-publish-channel" value={channel} onChange={(e) => setChannel(e.target.value)} />
        <textarea className="input mono pubsub-message-input" aria-label="Message" data-testid="pubsub-publish-message" rows={3} value={message} onChange={(e) => setMessage(e.target.value)} />
        <span title={blocked ?? undefined}>
          <button type="submit" className="button button-primary" data-testid="pubsub-publish" disabled={blocked !== null || channel.trim() === ''}>
            Publish
          </button>
        </span>
        {blocked ? (
          <p className="note" data-testid="pubsub-publish-blocked">
            {blocked}
          </p>
        ) : null}
        {result ? (
          <p className={result.tone === 'ok' ? 'note streams-note-ok' : 'bad'} role="status" data-testid="pubsub-publish-result">
            {result.text}
          </p>
        ) : null}
      </form>
    </section>
  );
}
