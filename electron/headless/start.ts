import { spawn } from 'node:child_process';
import path from 'node:path';
import { runCli } from './cli';
import { checkElectron } from './electron-availability';
import { moduleDir } from './paths';

/**
 * `npm start`: opens the desktop console; where Electron cannot start, says why in one line and
 * serves the same console in browser mode.
 */
async function main(): Promise<void> {
  const electron = checkElectron();
  if (electron.ok) {
    const child = spawn(electron.binary, [path.resolve(moduleDir(), '../main/index.cjs')], { stdio: 'inherit' });
    child.on('exit', (code) => process.exit(code ?? 0));
    return;
  }
  process.stdout.write(`Watchfloor: desktop shell unavailable: ${electron.reason}. Serving browser mode instead.\n`);
  process.exitCode = await runCli(['serve', ...process.argv.slice(2)]);
}

void main();
