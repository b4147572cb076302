import os from 'node:os';
import path from 'node:path';

/** The product name Electron derives its userData folder from; the CLI must use the same folder. */
export const APP_DIR_NAME = 'Watchfloor';

/**
 * The configuration directory shared by the desktop app and the CLI: `$WATCHFLOOR_HOME` if set,
 * otherwise the folder Electron's `app.getPath('userData')` gives for this product.
 */
export function resolveConfigHome(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.WATCHFLOOR_HOME) return path.resolve(env.WATCHFLOOR_HOME);
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_DIR_NAME);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_DIR_NAME);
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), APP_DIR_NAME);
}
