// First: before any schema is built.
import './zod-jitless';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createCommandRegistry } from './actions/commands';
import { forgetToken, chooseTransport } from './api/choose-transport';
import { createClient } from './api/client';
import { createElectronTransport } from './api/electron-transport';
import { TOKEN_REJECTED_CLOSE_CODE, type Transport } from './api/transport';
import { takeTokenFromHash } from './api/token.logic';
import { createWebSocketTransport } from './api/websocket-transport';
import { App } from './features/shell/app';
import { NoTokenScreen } from './features/shell/no-token-screen';
import { ServicesContext, type AppServices } from './services';
import { createAppStores, type AppStores } from './stores/app-stores';
import { applyLinkEvent } from './stores/connection.logic';
import { startSync } from './stores/sync';
import { sameRedisOf } from './stores/overview.logic';
import { startAlertNotifier } from './features/alerts/desktop-notifier';
import './styles.css';

/** Composition root: picks the transport, builds client, stores and commands, starts syncing, renders. */
function start(): void {
  const rootElement = document.getElementById('root');
  if (!rootElement) throw new Error('index.html has no #root element');
  const root = createRoot(rootElement);

  const choice = chooseTransport(window);
  if (choice.kind !== 'electron') {
    // Pasting a (new) token link into this tab changes only the hash, which reloads nothing by itself.
    window.addEventListener('hashchange', () => {
      if (takeTokenFromHash(window.location.hash).token !== null) window.location.reload();
    });
  }
  if (choice.kind === 'no-token') {
    root.render(
      <StrictMode>
        <NoTokenScreen />
      </StrictMode>,
    );
    return;
  }

  let stores: AppStores;
  let transport: Transport;
  if (choice.kind === 'electron') {
    stores = createAppStores('electron');
    transport = createElectronTransport(choice.bridge);
  } else {
    stores = createAppStores('websocket');
    transport = createWebSocketTransport({
      url: choice.url,
      token: choice.token,
      onLinkEvent: (event) => {
        stores.connection.setState((state) => applyLinkEvent(state, event, Date.now()), true);
        if (event.type === 'closed' && event.code === TOKEN_REJECTED_CLOSE_CODE) forgetToken(window);
      },
    });
  }
  const client = createClient(transport);
  const services: AppServices = { client, stores, commands: createCommandRegistry(client, stores) };
  startSync(client, stores);
  startAlertNotifier(stores.alerts, () => sameRedisOf(stores.environments.getState().environments, stores.overview.getState()));

  root.render(
    <StrictMode>
      <ServicesContext value={services}>
        <App />
      </ServicesContext>
    </StrictMode>,
  );
}

start();
