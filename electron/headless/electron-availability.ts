import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * Whether the desktop shell can start here, without triggering the electron package's lazy
 * download (requiring 'electron' under Node tries to fetch the binary when it is missing).
 */
export function checkElectron(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, from: string = process.cwd()): { ok: true; binary: string } | { ok: false; reason: string } {
  let packageDir: string;
  try {
    packageDir = path.dirname(createRequire(path.join(from, 'noop.js')).resolve('electron/package.json'));
  } catch {
    return { ok: false, reason: 'the electron package is not installed' };
  }
  const pathFile = path.join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const binary = env.ELECTRON_OVERRIDE_DIST_PATH
    ? path.join(env.ELECTRON_OVERRIDE_DIST_PATH, relative || 'electron')
    : relative
      ? path.join(packageDir, 'dist', relative)
      : '';
  if (!binary || !existsSync(binary)) return { ok: false, reason: 'the Electron binary is not installed (it is downloaded on first use and that download is not reachable here)' };
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) return { ok: false, reason: 'there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)' };
  return { ok: true, binary };
}
