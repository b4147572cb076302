import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { DLQ_FIELDS } from '../../shared/model/dead-letter';
import { maskLabel } from '../../shared/model/masking';
import { REDIS_URL, deleteKeys, tempHome, uniqueNamespace } from '../helpers/brokers';

const run = promisify(execFile);

/** The CLI's masks (issue 20): env add --mask, and what dlq show prints. */
describe('masked fields in the CLI', { timeout: 240_000 }, () => {
  const ns = uniqueNamespace('mask-cli');
  const dlq = `${ns}security.events.dlq`;
  const redis = new Redis(REDIS_URL);
  const home = tempHome();
  const cli = (...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'electron/headless/cli.ts', ...args], { env: { ...process.env, WATCHFLOOR_HOME: home.dir }, timeout: 90_000 }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );
  afterAll(async () => {
    try {
      await deleteKeys(redis, ns);
    } finally {
      redis.disconnect();
      home.cleanup();
    }
  });

  it('env add --mask adds a path to the defaults; dlq show prints the masks, never the values', async () => {
    const added = await cli('env', 'add', '--name', 'Masked CLI', '--redis', REDIS_URL, '--namespace', ns, '--mask', '**.asset_id', '--json');
    expect(added.code, added.stderr).toBe(0);
    const view = JSON.parse(added.stdout) as { masking: { paths: string[]; values: string[] } };
    expect(view.masking.paths).toEqual(expect.arrayContaining(['**.credentials.**', '**.asset_id']));
    expect(view.masking.values).toContain('email');
    const bad = await cli('env', 'add', '--name', 'Bad', '--redis', REDIS_URL, '--mask', 'a..b');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/mask path/);

    const payload = JSON.stringify({ id: 'e-7', asset_id: 'host-1', credentials: { password: 'hunter2' }, owner: 'ana@corp.example.com' });
    const id = (await redis.xadd(dlq, '*', 'data', payload, DLQ_FIELDS.originStream, `${ns}security.events`, DLQ_FIELDS.error, 'bad', DLQ_FIELDS.failedAt, new Date().toISOString()))!;
    const shown = await cli('dlq', 'show', id, '--env', 'Masked CLI', '--source', dlq, '--json');
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).not.toMatch(/hunter2|ana@corp|host-1/);
    const entry = JSON.parse(shown.stdout) as { payload: { preview: string } };
    expect(JSON.parse(entry.payload.preview)).toEqual({ id: 'e-7', asset_id: maskLabel('asset_id'), credentials: maskLabel('credentials'), owner: maskLabel('email') });
  });
});
