import { useStore } from 'zustand';
import { useServices } from '../../services';

/** Says plainly when the page has lost the host, why, and that it keeps trying. */
export function ConnectionBanner() {
  const { stores } = useServices();
  const state = useStore(stores.connection, (s) => s.state);
  const reason = useStore(stores.connection, (s) => s.reason);
  const hasEverOpened = useStore(stores.connection, (s) => s.hasEverOpened);
  const isTokenRejected = useStore(stores.connection, (s) => s.isTokenRejected);
  const syncError = useStore(stores.connection, (s) => s.syncError);
  if (isTokenRejected) {
    return (
      <div className="banner banner-bad" role="alert" data-testid="connection-banner">
        The host rejected this page's token. Open the URL printed by <code>npm run web</code> again (it contains #token=…).
      </div>
    );
  }
  if (state === 'connecting' && !hasEverOpened && reason === null) {
    return (
      <div className="banner banner-warn" role="status" data-testid="connection-banner">
        Connecting to the Watchfloor host…
      </div>
    );
  }
  if (state !== 'open') {
    return (
      <div className="banner banner-bad" role="alert" data-testid="connection-banner">
        Disconnected from host — retrying…{reason ? ` (${reason})` : ''}
        {!hasEverOpened ? <span className="banner-hint"> If the host was restarted, open the new URL it printed.</span> : null}
      </div>
    );
  }
  if (syncError) {
    return (
      <div className="banner banner-warn" role="status" data-testid="sync-error">
        {syncError}
      </div>
    );
  }
  return null;
}
