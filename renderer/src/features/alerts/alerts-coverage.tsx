import { memo, useEffect, useMemo } from 'react';
import { useStore } from 'zustand';
import { formatCount } from '../../components/format';
import { useServices } from '../../services';
import { alertsCoverage, MAX_ALERTS_LOADED } from '../../stores/alert-load.logic';
import { loadAlerts } from '../../stores/sync';

/** How long after a partial load whose failures may pass (timeouts) the environment is read again, ms. */
export const PARTIAL_RETRY_MS = 5000;

/**
 * Says when the Alerts view does not hold every alert of the environments in view (issue 19): some
 * could not be read (reading again on its own when that may help), or the per-environment cap
 * left the oldest out. Nothing when the list is complete.
 */
// Memo: its props change with the scope, not with each keystroke in the Alerts filter.
export const AlertsCoverage = memo(function AlertsCoverage({ envIds, nameOf }: { envIds: readonly string[]; nameOf: (envId: string) => string }) {
  const { client, stores } = useServices();
  const alertsState = useStore(stores.alerts, (s) => s);
  const coverage = useMemo(() => alertsCoverage(alertsState, envIds, nameOf), [alertsState, envIds, nameOf]);
  const retryable = useMemo(() => envIds.filter((id) => alertsState.byEnv[id]?.unread?.retryable), [alertsState, envIds]);
  useEffect(() => {
    if (!retryable.length) return;
    const timer = setTimeout(() => retryable.forEach((id) => void loadAlerts(client, stores, id)), PARTIAL_RETRY_MS);
    return () => clearTimeout(timer);
  }, [retryable, client, stores]);
  if (!coverage) return null;
  const partial = envIds.filter((id) => alertsState.byEnv[id]?.unread);
  return (
    <div className={coverage.unread ? 'banner banner-bad' : 'banner banner-warn'} role="status" data-testid="alerts-partial">
      <p>
        Showing {formatCount(coverage.loaded)} of {formatCount(coverage.total)} alerts
        {coverage.unread ? (
          <>
            : <span data-testid="alerts-unread-count">{formatCount(coverage.unread)}</span> could not be read — {coverage.reasons.join('; ')}
            {coverage.isRetrying ? ' — retrying in a few seconds.' : '.'}
          </>
        ) : null}
        {coverage.notLoaded ? ` ${coverage.unread ? 'Besides, ' : ': '}${formatCount(coverage.notLoaded)} older alerts are not loaded (this console holds the newest ${formatCount(MAX_ALERTS_LOADED)} of an environment).` : null}{' '}
        {coverage.unread && !coverage.isRetrying ? (
          <button type="button" className="button banner-button" data-testid="alerts-partial-retry" onClick={() => partial.forEach((id) => void loadAlerts(client, stores, id))}>
            Read again
          </button>
        ) : null}
      </p>
      <p className="banner-hint small">Actions, counts and filters apply to the alerts shown; the ones missing are still in Redis, untouched.</p>
    </div>
  );
});
