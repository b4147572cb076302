import { memo, useMemo, useState } from 'react';
import type { QueueInfo } from '../../../../shared/model/overview';
import { formatCount, formatRate } from '../../components/format';
import { Sparkline } from '../../components/sparkline';
import { DEFAULT_QUEUE_SORT, nextSort, sortQueues, type QueueSort, type QueueSortKey, type QueueSparklines } from './rabbit-queues.logic';

const COLUMNS: { key: QueueSortKey; label: string; title?: string }[] = [
  { key: 'ready', label: 'Ready' },
  { key: 'unacked', label: 'Unacked' },
  { key: 'consumers', label: 'Consumers' },
  { key: 'publishRate', label: 'Publish/s', title: 'Messages published per second (management stats, ~5 s lag)' },
  { key: 'deliverRate', label: 'Deliver/s', title: 'Messages delivered or fetched per second (deliver_get; ~5 s lag)' },
  { key: 'ackRate', label: 'Ack/s', title: 'Messages acknowledged per second (~5 s lag)' },
];
const UNKNOWN = 'Not available from a passive declare';

/** The queues of one environment, sortable by any column; a click on a row opens its detail. */
export function RabbitQueueTable({
  queues,
  sparklines,
  isStale,
  selected,
  onSelect,
}: {
  queues: readonly QueueInfo[];
  sparklines: QueueSparklines;
  isStale: boolean;
  selected: string | null;
  onSelect: (name: string) => void;
}) {
  const [sort, setSort] = useState<QueueSort>(DEFAULT_QUEUE_SORT);
  const sorted = useMemo(() => sortQueues(queues, sort), [queues, sort]);
  const header = (key: QueueSortKey, label: string, className?: string, title?: string) => (
    <th scope="col" className={className} aria-sort={sort.key === key ? (sort.isDescending ? 'descending' : 'ascending') : 'none'} title={title}>
      <button type="button" className="rabbit-sort-button" data-testid={`rabbit-sort-${key}`} onClick={() => setSort((s) => nextSort(s, key))}>
        {label}
        {sort.key === key ? <span aria-hidden="true">{sort.isDescending ? ' ▼' : ' ▲'}</span> : null}
      </button>
    </th>
  );
  return (
    <table className={isStale ? 'data-table rabbit-table is-stale' : 'data-table rabbit-table'} data-testid="rabbit-table">
      <thead>
        <tr>
          {header('name', 'Queue')}
          {COLUMNS.map((c) => header(c.key, c.label, 'num', c.title))}
          <th scope="col">Depth, last minute</th>
        </tr>
      </thead>
      <tbody>
        {sorted.map((queue) => (
          <QueueRow key={queue.name} queue={queue} samples={sparklines[queue.name]} isSelected={queue.name === selected} onSelect={onSelect} />
        ))}
      </tbody>
    </table>
  );
}

const QueueRow = memo(function QueueRow({
  queue,
  samples,
  isSelected,
  onSelect,
}: {
  queue: QueueInfo;
  samples: readonly number[] | undefined;
  isSelected: boolean;
  onSelect: (name: string) => void;
}) {
  const classes = ['rabbit-row', queue.isDeadLetter ? 'row-dlq' : '', isSelected ? 'rabbit-row-selected' : ''].filter(Boolean).join(' ');
  return (
    <tr className={classes} data-testid={`rabbit-row-${queue.name}`} onClick={() => onSelect(queue.name)} aria-selected={isSelected}>
      <th scope="row" className="name-cell">
        <button type="button" className="rabbit-link-button mono" onClick={(e) => (e.stopPropagation(), onSelect(queue.name))} aria-expanded={isSelected}>
          {queue.name}
        </button>
        {queue.isDeadLetter ? (
          <span className="tag tag-dlq" title="Dead-letter queue">
            DLQ
          </span>
        ) : null}
      </th>
      <td className="num" data-testid="rabbit-ready">
        {formatCount(queue.ready)}
      </td>
      <td className="num" data-testid="rabbit-unacked">
        {queue.unacked === null ? <abbr title={UNKNOWN}>—</abbr> : formatCount(queue.unacked)}
      </td>
      {/* No consumer is a problem only when messages wait for one (issue 21.9): an empty queue without a consumer is muted, not red. */}
      <td
        className={queue.consumers === 0 && !queue.isDeadLetter ? (queue.ready + (queue.unacked ?? 0) > 0 ? 'num bad' : 'num muted') : 'num'}
        data-testid="rabbit-consumers"
        title={queue.consumers === 0 ? (queue.ready + (queue.unacked ?? 0) > 0 ? 'No consumer: messages are waiting' : 'No consumer (the queue is empty)') : undefined}
      >
        {formatCount(queue.consumers)}
      </td>
      <td className="num" data-testid="rabbit-publish">
        {formatRate(queue.publishRate)}
      </td>
      <td className="num" data-testid="rabbit-deliver">
        {formatRate(queue.deliverRate)}
      </td>
      <td className="num" data-testid="rabbit-ack">
        {formatRate(queue.ackRate)}
      </td>
      <td>
        <Sparkline values={samples ?? []} label={`Depth of ${queue.name} over the last minute`} />
      </td>
    </tr>
  );
});
