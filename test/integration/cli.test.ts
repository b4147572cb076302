import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANAGEMENT_URL, REDIS_URL, tempHome, uniqueNamespace } from '../helpers/brokers';

const run = promisify(execFile);

describe('watchfloor CLI', () => {
  const home = tempHome();
  const ns = uniqueNamespace('cli');
  const redis = new Redis(REDIS_URL);
  const cli = (...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'electron/headless/cli.ts', ...args], { env: { ...process.env, WATCHFLOOR_HOME: home.dir }, timeout: 60_000 }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  beforeAll(async () => {
    await redis.xadd(`${ns}security.events`, '*', 'data', '{}');
    await redis.xgroup('CREATE', `${ns}security.events`, 'event-processors', '0');
  });
  afterAll(async () => {
    await redis.del(`${ns}security.events`);
    redis.disconnect();
    home.cleanup();
  });

  it('env add refuses a bad URL with a clear message and exit code 1', async () => {
    const result = await cli('env', 'add', '--name', 'Bad', '--redis', 'http://nope');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('unknown scheme "http:"');
  });

  it('env add / list / streams --json show the environment and its streams with lag and pending', async () => {
    const added = await cli('env', 'add', '--name', 'CLI Test', '--redis', REDIS_URL, '--amqp', 'amqp://guest:guest@127.0.0.1:5672', '--management', MANAGEMENT_URL, '--namespace', ns, '--json');
    expect(added.code).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ name: 'CLI Test', amqp: { url: 'amqp://guest@127.0.0.1:5672', hasPassword: true } });
    const list = await cli('env', 'list', '--json');
    expect(JSON.parse(list.stdout).map((e: { name: string }) => e.name)).toEqual(['Local', 'CLI Test']);
    const streams = await cli('streams', '--env', 'cli test', '--json');
    expect(streams.code).toBe(0);
    const body = JSON.parse(streams.stdout);
    expect(body.redis.status.state).toBe('connected');
    expect(body.redis.streams).toHaveLength(1);
    expect(body.redis.streams[0]).toMatchObject({
      name: `${ns}security.events`,
      length: 1,
      isDeadLetter: false,
      groups: [{ name: 'event-processors', consumers: 0, pending: 0, lag: 1, lastDeliveredId: '0-0' }],
    });
  });

  it('names an unknown environment and lists the known ones', async () => {
    const result = await cli('streams', '--env', 'Nowhere');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no environment named "Nowhere" \(known: Local/);
  });
});
