// Bundles the host side: the Electron main process, the sandboxed preload, the CLI and `npm start`.
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  // import.meta.url has no meaning in CommonJS: derive it from __filename.
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: "const importMetaUrl = require('url').pathToFileURL(__filename).href;" },
};

await Promise.all([
  build({ ...common, entryPoints: ['electron/main/index.ts'], outfile: 'dist/main/index.cjs', packages: 'external' }),
  // A sandboxed preload can require nothing but 'electron': bundle everything else into it.
  build({ ...common, entryPoints: ['electron/preload/index.ts'], outfile: 'dist/preload/index.cjs', external: ['electron'], platform: 'browser', banner: {}, define: {}, minify: true }),
  build({ ...common, entryPoints: ['electron/headless/cli.ts'], outfile: 'dist/headless/cli.cjs', packages: 'external', banner: { js: `#!/usr/bin/env node\n${common.banner.js}` } }),
  build({ ...common, entryPoints: ['electron/headless/start.ts'], outfile: 'dist/headless/start.cjs', packages: 'external' }),
  // The workers' thread, self-contained (its dependencies bundled in), so a packaged app can run
  // it unpacked from the asar archive (electron-builder.yml: asarUnpack).
  build({ ...common, entryPoints: ['electron/core/workers/worker-thread.ts'], outfile: 'dist/workers/worker-thread.cjs' }),
]);
