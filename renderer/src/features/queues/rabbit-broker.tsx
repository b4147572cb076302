import { Fragment, useState } from 'react';
import type { EnvironmentView } from '../../../../shared/model/environment';
import { alarmsOf, usedPercent, type RabbitBroker, type RabbitConnection, type RabbitNode } from '../../../../shared/model/rabbit-broker';
import { formatAge, formatBytes, formatClock, formatCount, formatDateTime } from '../../components/format';
import { agoText } from '../../components/freshness';
import { useNow } from '../../components/use-now';
import { usePolledCall } from '../../components/use-polled-call';
import { blockedFirst, connectionStateTone, rateText } from './rabbit-broker.logic';

const POLL_MS = 5000;

/**
 * What the management UI's Overview and Connections tabs show (issue 21.8): each node's memory and
 * disk against their limits with any alarm in words at the top (an alarm blocks every publisher),
 * and the client connections with their channels, blocked ones first.
 */
export function RabbitBrokerSection({ env }: { env: EnvironmentView }) {
  const now = useNow(1000);
  const polled = usePolledCall('queues.rabbitBroker', { envId: env.id }, env.id, POLL_MS);
  const [isOpen, setIsOpen] = useState(false);
  const broker = polled.state === 'ready' ? polled.value : polled.state === 'error' ? polled.last : null;
  if (polled.state === 'error' && polled.code === 'UNSUPPORTED') {
    return (
      <p className="note rabbit-note-warn" data-testid={`rabbit-broker-unsupported-${env.id}`}>
        Nodes, alarms and connections: {polled.message}.
      </p>
    );
  }
  const alarms = broker ? alarmsOf(broker.nodes) : [];
  const blocked = broker ? broker.connections.filter((c) => c.state === 'blocked' || c.state === 'blocking').length : 0;
  return (
    <section className="rabbit-broker" aria-label={`RabbitMQ nodes and connections of ${env.name}`} data-testid={`rabbit-broker-${env.id}`}>
      {alarms.map((a) => (
        <p key={`${a.node}:${a.kind}`} className="banner banner-bad" role="alert" data-testid="rabbit-alarm">
          {a.text}
        </p>
      ))}
      {polled.state === 'error' ? (
        <p className="note rabbit-note-warn" role="status" data-testid="rabbit-broker-error">
          Nodes and connections cannot be read right now ({polled.code}: {polled.message}){broker ? `; shown as read at ${formatClock(broker.at)}.` : '.'}
        </p>
      ) : null}
      {broker === null ? (
        polled.state === 'loading' ? <p className="empty">Reading nodes and connections…</p> : null
      ) : (
        <>
          <div className="rabbit-nodes" data-testid="rabbit-nodes">
            {broker.nodes.map((n) => (
              <NodeCard key={n.name} node={n} />
            ))}
          </div>
          <div className="rabbit-broker-bar">
            <button type="button" className="button button-quiet" aria-expanded={isOpen} onClick={() => setIsOpen(!isOpen)} data-testid="rabbit-connections-toggle">
              {isOpen ? '▾' : '▸'} Connections {formatCount(broker.connectionTotal)} · channels {formatCount(broker.channelTotal)}
            </button>
            {blocked > 0 ? (
              <span className="bad small" data-testid="rabbit-blocked-count">
                {formatCount(blocked)} blocked or blocking
              </span>
            ) : null}
            <span className="muted small">read {agoText(Math.max(0, now - broker.at))} · RabbitMQ's statistics lag ~5 s</span>
          </div>
          {isOpen ? <ConnectionsTable broker={broker} now={now} /> : null}
        </>
      )}
    </section>
  );
}

function NodeCard({ node }: { node: RabbitNode }) {
  const mem = usedPercent(node.memUsed, node.memLimit);
  const fd = usedPercent(node.fdUsed, node.fdTotal);
  const tone = !node.running || node.memAlarm || node.diskAlarm ? 'rabbit-node is-bad' : (mem ?? 0) > 80 ? 'rabbit-node is-warn' : 'rabbit-node';
  return (
    <div className={tone} data-testid={`rabbit-node-${node.name}`}>
      <div className="rabbit-node-name mono">
        {node.name} {node.running ? null : <span className="bad">not running</span>}
      </div>
      <div className="small" data-testid="rabbit-node-memory" title="Memory used of the high watermark; above it, publishers are blocked">
        memory {node.memUsed === null ? '?' : formatBytes(node.memUsed)} of {node.memLimit === null ? '?' : formatBytes(node.memLimit)}
        {mem !== null ? ` (${mem} %)` : ''}
        {node.memAlarm ? <span className="bad"> ALARM</span> : null}
      </div>
      {mem !== null ? <Meter percent={mem} isBad={node.memAlarm} /> : null}
      <div className="small" data-testid="rabbit-node-disk" title="Free disk and the limit below which publishers are blocked">
        disk free {node.diskFree === null ? '?' : formatBytes(node.diskFree)} (alarm below {node.diskFreeLimit === null ? '?' : formatBytes(node.diskFreeLimit)})
        {node.diskAlarm ? <span className="bad"> ALARM</span> : null}
      </div>
      <div className="small muted">
        file descriptors {node.fdUsed === null ? '?' : formatCount(node.fdUsed)} / {node.fdTotal === null ? '?' : formatCount(node.fdTotal)}
        {fd !== null && fd > 80 ? <span className="warn"> ({fd} %)</span> : null}
        {node.uptimeMs !== null ? ` · up ${formatAge(node.uptimeMs)}` : ''}
      </div>
    </div>
  );
}

function Meter({ percent, isBad }: { percent: number; isBad: boolean }) {
  return (
    <div className="rabbit-meter" role="meter" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} aria-label="memory used of the high watermark">
      <div className={isBad || percent > 90 ? 'rabbit-meter-fill is-bad' : percent > 80 ? 'rabbit-meter-fill is-warn' : 'rabbit-meter-fill'} style={{ width: `${Math.min(100, percent)}%` }} />
    </div>
  );
}

function ConnectionsTable({ broker, now }: { broker: RabbitBroker; now: number }) {
  const [open, setOpen] = useState<string | null>(null);
  const connections = blockedFirst(broker.connections);
  if (connections.length === 0) return <p className="empty">No client is connected.</p>;
  return (
    <>
      {broker.connectionTotal > connections.length ? (
        <p className="muted small">
          Showing {formatCount(connections.length)} of {formatCount(broker.connectionTotal)} connections.
        </p>
      ) : null}
      <table className="data-table rabbit-connections" data-testid="rabbit-connections">
        <thead>
          <tr>
            <th scope="col">Client</th>
            <th scope="col">User / vhost</th>
            <th scope="col">From</th>
            <th scope="col">State</th>
            <th scope="col" className="num">
              Channels
            </th>
            <th scope="col" className="num">
              In / out
            </th>
            <th scope="col">Connected</th>
          </tr>
        </thead>
        <tbody>
          {connections.map((c) => (
            <Fragment key={c.name}>
              <ConnectionRow connection={c} now={now} isOpen={open === c.name} onToggle={() => setOpen(open === c.name ? null : c.name)} />
              {open === c.name ? (
                <tr className="bull-job-open">
                  <td colSpan={7}>
                    <ChannelsOf broker={broker} connection={c} />
                  </td>
                </tr>
              ) : null}
            </Fragment>
          ))}
        </tbody>
      </table>
    </>
  );
}

function ConnectionRow({ connection: c, now, isOpen, onToggle }: { connection: RabbitConnection; now: number; isOpen: boolean; onToggle: () => void }) {
  return (
    <tr className={isOpen ? 'rabbit-row rabbit-row-selected' : 'rabbit-row'} data-testid={`rabbit-connection-${c.clientName ?? c.name}`} onClick={onToggle}>
      <th scope="row">
        <button type="button" className="rabbit-link-button" aria-expanded={isOpen} onClick={(e) => (e.stopPropagation(), onToggle())}>
          {c.clientName ?? <span className="muted">unnamed</span>}
        </button>
        {c.product ? <div className="muted small">{c.product}</div> : null}
      </th>
      <td className="mono small">
        {c.user} / {c.vhost}
      </td>
      <td className="mono small">{c.peer}</td>
      <td className={connectionStateTone(c.state)} data-testid="rabbit-connection-state">
        {c.state}
      </td>
      <td className="num">{formatCount(c.channels)}</td>
      <td className="num small">
        {rateText(c.recvBytesRate)} / {rateText(c.sendBytesRate)}
      </td>
      <td className="small nowrap" title={c.connectedAt === null ? undefined : formatDateTime(c.connectedAt)}>
        {c.connectedAt === null ? '—' : `${formatAge(Math.max(0, now - c.connectedAt))} ago`}
      </td>
    </tr>
  );
}

function ChannelsOf({ broker, connection }: { broker: RabbitBroker; connection: RabbitConnection }) {
  const channels = broker.channels.filter((ch) => ch.connection === connection.name).sort((a, b) => a.number - b.number);
  return (
    <div data-testid="rabbit-channels">
      <p className="small muted mono">{connection.name}</p>
      {channels.length === 0 ? (
        <p className="empty">{broker.channelTotal > broker.channels.length ? 'Its channels are not among the channels read (the list was cut).' : 'No channel open on this connection.'}</p>
      ) : (
        <table className="data-table rabbit-channels">
          <thead>
            <tr>
              <th scope="col" className="num">
                Channel
              </th>
              <th scope="col" className="num">
                Consumers
              </th>
              <th scope="col" className="num" title="Unacknowledged messages a consumer may hold (0 = no limit)">
                Prefetch
              </th>
              <th scope="col" className="num">
                Unacked
              </th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {channels.map((ch) => (
              <tr key={ch.name} data-testid={`rabbit-channel-${ch.number}`}>
                <td className="num">{ch.number}</td>
                <td className="num">{formatCount(ch.consumers)}</td>
                <td className="num">{ch.prefetch === 0 ? 'no limit' : formatCount(ch.prefetch)}</td>
                <td className={ch.unacked > 0 ? 'num warn' : 'num'}>{formatCount(ch.unacked)}</td>
                <td className={connectionStateTone(ch.state)}>{ch.state}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
