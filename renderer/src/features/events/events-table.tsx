import type { StoredEvent } from '../../../../shared/contract/method-groups/events';
import { formatDateTime } from '../../components/format';

/** Stored events, newest first: time, severity, type, asset, title and correlation id. */
export function EventsTable({ events }: { events: readonly StoredEvent[] }) {
  return (
    <table className="data-table events-table" data-testid="events-table">
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">Severity</th>
          <th scope="col">Type</th>
          <th scope="col">Asset</th>
          <th scope="col">Title</th>
          <th scope="col">Correlation id</th>
        </tr>
      </thead>
      <tbody>
        {events.map((e) => (
          <tr key={e.id} data-testid="event-row" data-id={e.id} data-severity={e.severity}>
            <td className="nowrap" data-testid="event-time" title={new Date(e.ts).toISOString()}>
              {formatDateTime(e.ts)}
            </td>
            <td>
              <span className={`sev-badge sev-${e.severity}`}>{e.severity}</span>
            </td>
            <td className="mono small" data-testid="event-type">
              {e.eventType}
            </td>
            <td className="mono small events-id" data-testid="event-asset" title={e.assetId}>
              {e.assetId}
            </td>
            <td data-testid="event-title" title={`${e.source} · event ${e.id}`}>
              {e.title}
            </td>
            <td className="mono small events-id muted" data-testid="event-correlation">
              {e.correlationId}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
