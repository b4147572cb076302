import { app, BrowserWindow, ipcMain, safeStorage, session, shell } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { AppCore } from '../core/app-core';
import { resolveConfigHome } from '../core/environments/config-home';
import { forwardEvents, registerIpc } from './ipc/register-ipc';
import { openDesktopSecretStore } from './safe-storage-secret-store';
import { hardenSession, hardenWebContents } from './security';
import { createMainWindow } from './window';

// Composition root of the desktop app: glue only. Everything it wires lives in electron/core.

const home = process.env.WATCHFLOOR_HOME ? resolveConfigHome() : app.getPath('userData');

app.enableSandbox();

void app.whenReady().then(async () => {
  const secrets = await openDesktopSecretStore(safeStorage, process.platform, home, process.env);
  const core = await AppCore.create({ home, secretStore: secrets.store, secretStoreReason: secrets.reason, mode: 'desktop', version: app.getVersion() });
  const rendererDir = path.join(__dirname, '../renderer');
  const appUrlPrefix = pathToFileURL(rendererDir).href;
  hardenSession(session.defaultSession);
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, shell, appUrlPrefix));

  const trusted = new Set<number>();
  registerIpc(ipcMain, core, trusted, appUrlPrefix);
  const open = () => {
    const window = createMainWindow(BrowserWindow, path.join(__dirname, '../preload/index.cjs'), path.join(rendererDir, 'index.html'), (count) => app.setBadgeCount(count));
    const id = window.webContents.id;
    trusted.add(id);
    const stopForwarding = forwardEvents(core, window.webContents);
    window.on('closed', () => {
      trusted.delete(id);
      stopForwarding();
    });
  };
  open();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) open();
  });
  app.on('before-quit', () => void core.close());
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
