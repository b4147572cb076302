import { memo, useMemo, useState } from 'react';
import type { EnvironmentOverview, StreamInfo } from '../../../../shared/model/overview';
import { describeGroup, formatCount } from '../../components/format';
import { Sparkline } from '../../components/sparkline';
import type { StreamHistory } from '../../stores/overview.logic';
import { DemoOfferButton, type DemoOffer } from './demo-offer';
import { BullInternalTag, BullInternalsToggle } from '../streams/bull-internals';
import { withoutBullInternals } from '../streams/streams.logic';

const NO_SAMPLES: readonly number[] = [];
/** A group this far behind is worth an analyst's glance; a few entries in flight is normal traffic. */
const LAG_WARNING = 1000;

function isLagging(lag: number | null): boolean {
  return lag !== null && lag >= LAG_WARNING;
}

/** The Redis part of a card: the streams table or a clear reason why there is none. */
export function StreamsSection({
  redis,
  history,
  demoOffer,
}: {
  redis: EnvironmentOverview['redis'];
  history: StreamHistory | undefined;
  demoOffer: DemoOffer | null;
}) {
  const { streams: all, status } = redis;
  const [showBull, setShowBull] = useState(false);
  const listed = useMemo(() => (all === null ? null : withoutBullInternals(all, showBull)), [all, showBull]);
  const streams = listed?.streams ?? null;
  const hasBullInternals = all?.some((s) => s.bullQueue !== null) ?? false;
  if (status.state === 'not-configured') return <p className="empty">Redis is not configured for this environment.</p>;
  if (streams === null) {
    return <p className="empty">{status.state === 'connecting' ? 'Connecting to Redis…' : status.state === 'connected' ? 'Reading streams…' : 'No stream data: Redis cannot be read right now.'}</p>;
  }
  const toggle = hasBullInternals ? <BullInternalsToggle isShown={showBull} hidden={listed?.hidden ?? 0} onChange={setShowBull} testId="overview-show-bull" /> : null;
  if (streams.length === 0 && toggle) {
    return (
      <div className="empty">
        <p>No pipeline streams yet.</p>
        {toggle}
      </div>
    );
  }
  if (streams.length === 0) {
    return (
      <div className="empty">
        <p>No streams yet.</p>
        {demoOffer ? <DemoOfferButton offer={demoOffer} /> : null}
      </div>
    );
  }
  return (
    <>
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">Stream</th>
            <th scope="col" className="num">
              Length
            </th>
            <th scope="col">Last minute</th>
            <th scope="col">Consumer groups</th>
          </tr>
        </thead>
        <tbody>
          {streams.map((stream) => (
            <StreamRow key={stream.name} stream={stream} samples={history?.[stream.name] ?? NO_SAMPLES} />
          ))}
        </tbody>
      </table>
      {redis.truncated ? <p className="note">Showing the first {formatCount(streams.length)} streams only.</p> : null}
      {toggle ? <p className="note">{toggle}</p> : null}
    </>
  );
}

/** One stream; skips rendering while its numbers and history are unchanged. */
const StreamRow = memo(function StreamRow({ stream, samples }: { stream: StreamInfo; samples: readonly number[] }) {
  return (
    <tr className={stream.isDeadLetter ? 'row-dlq' : undefined} data-testid={`stream-row-${stream.name}`}>
      <th scope="row" className="name-cell">
        <span className="mono">{stream.name}</span>
        {stream.isDeadLetter ? (
          <span className="tag tag-dlq" title="Dead-letter stream">
            DLQ
          </span>
        ) : null}
        {stream.bullQueue !== null ? <BullInternalTag queue={stream.bullQueue} /> : null}
      </th>
      <td className="num">
        <span data-testid="stream-length">{formatCount(stream.length)}</span>
      </td>
      <td>
        <Sparkline values={samples} label={`${stream.name} length over the last minute`} />
      </td>
      <td>
        {stream.groups.length === 0 ? (
          <span className="muted">no groups</span>
        ) : (
          <ul className="groups">
            {stream.groups.map((group) => (
              <li key={group.name} className={isLagging(group.lag) ? 'group group-lagging' : 'group'} data-testid={`group-${group.name}`}>
                <span className="mono group-name">{group.name}</span>: <span className="group-stats">{describeGroup(group)}</span>
              </li>
            ))}
          </ul>
        )}
      </td>
    </tr>
  );
});
