import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Folder of this module, both when bundled to CommonJS (dist/) and when run from source with tsx. */
export function moduleDir(): string {
  if (typeof __dirname !== 'undefined') return __dirname;
  return path.dirname(fileURLToPath(import.meta.url));
}

/** The built renderer: dist/renderer, found from dist/headless or from electron/headless. */
export function rendererDir(): string {
  if (process.env.WATCHFLOOR_RENDERER_DIR) return path.resolve(process.env.WATCHFLOOR_RENDERER_DIR);
  const here = moduleDir();
  const candidates = [path.resolve(here, '../renderer'), path.resolve(here, '../../dist/renderer')];
  return candidates.find((dir) => existsSync(path.join(dir, 'index.html'))) ?? candidates[1]!;
}

/**
 * Why browser mode cannot serve the console from `dir`, or null when it can: a checkout whose
 * renderer was never built has no index.html, and serving it would print a URL whose page is a 404.
 */
export function rendererBuildProblem(dir: string): string | null {
  if (existsSync(path.join(dir, 'index.html'))) return null;
  return `the console's page is not built (no index.html in ${dir}): run npm run build first`;
}
