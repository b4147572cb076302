import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron';

/** The only web preferences a Watchfloor window may have; the security tests check the factory's output. */
export function secureWebPreferences(preloadPath: string): NonNullable<BrowserWindowConstructorOptions['webPreferences']> {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    spellcheck: false,
  };
}

/** Options of the main window. */
export function mainWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    title: 'Watchfloor',
    backgroundColor: '#0d1117',
    show: false,
    webPreferences: secureWebPreferences(preloadPath),
  };
}

/** Creates the main window with the Electron class it is given (mocked in tests). */
export function createMainWindow(
  BrowserWindowClass: new (options: BrowserWindowConstructorOptions) => BrowserWindow,
  preloadPath: string,
  indexHtml: string,
  setBadgeCount: (count: number) => void = () => undefined,
): BrowserWindow {
  const window = new BrowserWindowClass(mainWindowOptions(preloadPath));
  window.once('ready-to-show', () => window.show());
  // The renderer puts the count of open critical/high alerts in its title ("(3) Watchfloor");
  // the shell mirrors it onto the dock/taskbar badge. No extra IPC channel needed.
  window.on('page-title-updated', (_event, title) => setBadgeCount(badgeFromTitle(title)));
  void window.loadFile(indexHtml);
  return window;
}

/** The badge count carried by a window title such as "(3) Watchfloor"; 0 when none. */
export function badgeFromTitle(title: string): number {
  const match = /^\((\d+)\) /.exec(title);
  return match ? Number(match[1]) : 0;
}
