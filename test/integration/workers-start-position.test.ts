import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom, securityEvent } from '../../electron/core/demo/message-factory';
import type { WorkersView } from '../../shared/model/workers';
import { deleteKeys, REDIS_URL, tempHome, uniqueNamespace } from '../helpers/brokers';
import { waitFor } from '../helpers/wait';
import { cliIn, WorkProcess } from '../helpers/work-process';

const random = createRandom(23);
const GROUP = 'event-processors';

/** The event processor's `processed` counter in the newest `--json` report of a work process. */
function processed(work: WorkProcess): number | null {
  const lines = work.stdout.split('\n').filter((line) => line.startsWith('{'));
  if (!lines.length) return null;
  const view = JSON.parse(lines[lines.length - 1]!) as WorkersView;
  return view.processors.find((p) => p.name === 'event')?.counters.processed ?? null;
}

/**
 * Where the workers' consumer groups begin (issue 14, 8a): at the stream's end, as the seed's
 * `XGROUP CREATE … $` lines, so a first start does not process the stream's history;
 * `--from-start` creates them at its first entry; a group that exists keeps its position.
 */
describe('watchfloor work: where a new consumer group begins', () => {
  const home = tempHome();
  const nsEnd = uniqueNamespace('wpos');
  const nsStart = uniqueNamespace('wpos');
  const redis = new Redis(REDIS_URL);
  const cli = cliIn(home.dir);
  const running: WorkProcess[] = [];
  const addEvents = async (ns: string, n: number) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push((await redis.xadd(`${ns}security.events`, '*', 'data', JSON.stringify({ ...securityEvent(random, Date.now()), severity: 'low' })))!);
    return ids;
  };
  const work = async (env: string, ...extra: string[]) => {
    const w = new WorkProcess(home.dir, ['--env', env, '--only', 'event', '--json', '--every-seconds', '1', ...extra]);
    running.push(w);
    await waitFor(() => {
      if (w.child.exitCode !== null) throw new Error(`work exited with ${w.child.exitCode}: ${w.stderr}`);
      return processed(w) !== null;
    }, 'the first report of work', 60_000, 100);
    return w;
  };
  const group = async (ns: string) => {
    const groups = (await redis.xinfo('GROUPS', `${ns}security.events`)) as unknown[][];
    const g = groups.map((fields) => Object.fromEntries(Array.from({ length: fields.length / 2 }, (_, i) => [fields[2 * i], fields[2 * i + 1]]))).find((x) => x.name === GROUP);
    return g as { 'last-delivered-id': string; pending: number } | undefined;
  };

  beforeAll(async () => {
    expect((await cli('env', 'add', '--name', 'AtEnd', '--redis', REDIS_URL, '--namespace', nsEnd)).code).toBe(0);
    expect((await cli('env', 'add', '--name', 'AtStart', '--redis', REDIS_URL, '--namespace', nsStart)).code).toBe(0);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(running.map((w) => w.stop()));
    await deleteKeys(redis, nsEnd);
    await deleteKeys(redis, nsStart);
    redis.disconnect();
    home.cleanup();
  });

  it('a first start skips the history; a later start, even with --from-start, keeps the group where it was', async () => {
    const history = await addEvents(nsEnd, 3);
    const first = await work('AtEnd');
    // Created at `$`: its last delivered id is the history's last entry, nothing is pending.
    expect(await group(nsEnd)).toMatchObject({ 'last-delivered-id': history[2], pending: 0 });
    const [fresh] = await addEvents(nsEnd, 1);
    // XREADGROUP `>` reads in order: once the new entry is processed, no older one ever will be.
    await waitFor(async () => (await group(nsEnd))?.['last-delivered-id'] === fresh && (await group(nsEnd))?.pending === 0, 'the new entry acknowledged');
    await waitFor(() => processed(first) === 1 || null, 'the report to count the new entry', 15_000);
    expect(await first.stop()).toBe(0);

    // Written while no worker ran: the existing group delivers it, and only it (not the history).
    const [whileStopped] = await addEvents(nsEnd, 1);
    const second = await work('AtEnd', '--from-start');
    await waitFor(async () => (await group(nsEnd))?.['last-delivered-id'] === whileStopped && (await group(nsEnd))?.pending === 0, 'the entry written while stopped acknowledged');
    await waitFor(() => processed(second) === 1 || null, 'the report to count it', 15_000);
    expect(await second.stop()).toBe(0);
  }, 180_000);

  it('--from-start creates the group at the first entry: the whole history is processed', async () => {
    const history = await addEvents(nsStart, 3);
    const w = await work('AtStart', '--from-start');
    await waitFor(() => processed(w) === 3 || null, 'the three history entries processed', 30_000);
    expect(await group(nsStart)).toMatchObject({ 'last-delivered-id': history[2], pending: 0 });
    expect(await w.stop()).toBe(0);
  }, 120_000);
});
