import type { AlertSummary } from '../../../../shared/model/alerts';
import { silenceLikeThis } from '../../actions/silence-actions';
import { formatAge, formatDateTime } from '../../components/format';
import { useServices } from '../../services';

/** On a silenced alert: which silence covers it and until when; it neither notifies nor escalates meanwhile. */
export function SilencedBanner({ alert, now }: { alert: AlertSummary; now: number }) {
  if (!alert.silencedBy) return null;
  const until = alert.silencedUntil;
  return (
    <p className="banner banner-warn small" role="status" data-testid="alert-silenced">
      Silenced{until ? ` until ${formatDateTime(until)}${until > now ? ` (in ${formatAge(until - now)})` : ''}` : ''} by silence <span className="mono">{alert.silencedBy}</span>: no notification, no escalation
      {alert.isNotificationWithheld ? '; level 1 goes out when the silence ends, if still open' : ''}.
    </p>
  );
}

/** "Silence like this": the Silences screen with a draft matching this alert's asset, source and severity. */
export function SilenceLikeThisButton({ alert }: { alert: AlertSummary }) {
  const services = useServices();
  return (
    <button type="button" className="button" onClick={() => silenceLikeThis(services, alert)} data-testid="alert-silence-like-this">
      Silence like this…
    </button>
  );
}
