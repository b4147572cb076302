import { memo } from 'react';
import type { EnvironmentOverview, QueueInfo } from '../../../../shared/model/overview';
import { describeQueueSource, formatCount } from '../../components/format';
import { DemoOfferButton, type DemoOffer } from './demo-offer';

const UNACKED_UNKNOWN = 'passive check: unacked not available';

/** The RabbitMQ part of a card: where the numbers come from, the queues table, or why there is none. */
export function QueuesSection({ amqp, demoOffer }: { amqp: EnvironmentOverview['amqp']; demoOffer: DemoOffer | null }) {
  const { queues, status } = amqp;
  if (status.state === 'not-configured') return <p className="empty">RabbitMQ is not configured for this environment.</p>;
  const source = describeQueueSource(amqp.source);
  return (
    <>
      {source || amqp.note ? (
        <p className="note" data-testid="amqp-note">
          {source}
          {source && amqp.note ? ' — ' : null}
          {amqp.note}
        </p>
      ) : null}
      {queues === null ? (
        <p className="empty">{status.state === 'connecting' ? 'Connecting to RabbitMQ…' : status.state === 'connected' ? 'Reading queues…' : 'No queue data: RabbitMQ cannot be read right now.'}</p>
      ) : queues.length === 0 ? (
        <div className="empty">
          <p>No queues yet.</p>
          {demoOffer ? <DemoOfferButton offer={demoOffer} /> : null}
        </div>
      ) : (
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">Queue</th>
              <th scope="col" className="num">
                Ready
              </th>
              <th scope="col" className="num">
                Unacked
              </th>
              <th scope="col" className="num">
                Consumers
              </th>
            </tr>
          </thead>
          <tbody>
            {queues.map((queue) => (
              <QueueRow key={queue.name} queue={queue} />
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

const QueueRow = memo(function QueueRow({ queue }: { queue: QueueInfo }) {
  return (
    <tr className={queue.isDeadLetter ? 'row-dlq' : undefined} data-testid={`queue-row-${queue.name}`}>
      <th scope="row" className="name-cell">
        <span className="mono">{queue.name}</span>
        {queue.isDeadLetter ? (
          <span className="tag tag-dlq" title="Dead-letter queue">
            DLQ
          </span>
        ) : null}
      </th>
      <td className="num" data-testid="queue-ready">
        {formatCount(queue.ready)}
      </td>
      <td className="num" data-testid="queue-unacked" title={queue.unacked === null ? UNACKED_UNKNOWN : undefined}>
        {queue.unacked === null ? <abbr title={UNACKED_UNKNOWN}>—</abbr> : formatCount(queue.unacked)}
      </td>
      <td className="num" data-testid="queue-consumers">
        {formatCount(queue.consumers)}
      </td>
    </tr>
  );
});
