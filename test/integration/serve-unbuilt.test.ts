import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { rendererBuildProblem } from '../../electron/headless/paths';
import { tempHome } from '../helpers/brokers';

const run = promisify(execFile);

/** `watchfloor serve` on a checkout whose renderer was never built refuses instead of serving a 404. */
describe('watchfloor serve without a built renderer', () => {
  const home = tempHome();
  const unbuilt = mkdtempSync(path.join(os.tmpdir(), 'wf-unbuilt-'));
  afterAll(() => {
    home.cleanup();
    rmSync(unbuilt, { recursive: true, force: true });
  });

  it('exits 1 with "run npm run build first" and prints no URL', async () => {
    const result = await run(process.execPath, ['--import', 'tsx', 'electron/headless/cli.ts', 'serve', '--port', '0'], {
      env: { ...process.env, WATCHFLOOR_HOME: home.dir, WATCHFLOOR_RENDERER_DIR: unbuilt },
      timeout: 30_000,
    }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('run npm run build first');
    expect(result.stderr).toContain(unbuilt);
    expect(result.stdout).not.toContain('http://');
  });

  it('names no problem once index.html is there', () => {
    expect(rendererBuildProblem(unbuilt)).toMatch(/not built/);
    writeFileSync(path.join(unbuilt, 'index.html'), '<!doctype html>');
    expect(rendererBuildProblem(unbuilt)).toBeNull();
  });
});
