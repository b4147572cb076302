import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DLQ_FIELDS } from '../../shared/model/dead-letter';
import { keySlot } from '../../electron/core/brokers/redis/redis-client';
import { createRandom, securityEvent } from '../../electron/core/demo/message-factory';
import { uniqueNamespace } from '../helpers/brokers';
import { OwnCluster } from '../helpers/own-cluster';
import { waitFor } from '../helpers/wait';

const TOTAL = Number(process.env.FAULT_EVENTS ?? 20_000);
/** One entry in 100 is not a seed event: it goes to the DLQ (another slot) and is acknowledged after. */
const INVALID_EVERY = 100;
const random = createRandom(19);
const fieldsOf = (flat: string[]) => Object.fromEntries(Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i], flat[2 * i + 1]]));

/** Three sink stream names (seed-style, under `ns`), each on a different master than the input and than each other. */
function sinkNames(ns: string, ownerOf: (key: string) => string | undefined): string[] {
  const taken = new Set([ownerOf(`${ns}security.events`)]);
  const names: string[] = [];
  for (let i = 0; names.length < 2; i++) {
    const owner = ownerOf(`${ns}sink${i}`);
    if (!taken.has(owner)) {
      taken.add(owner);
      names.push(`sink${i}`);
    }
  }
  // A third on the input's own master: outputs in the input's slot range take the same path.
  for (let i = 100; ; i++) if (ownerOf(`${ns}sink${i}`) === ownerOf(`${ns}security.events`)) return [...names, `sink${i}`];
}

async function readAll(client: Cluster, stream: string): Promise<Record<string, string>[]> {
  const out: Record<string, string>[] = [];
  let from = '-';
  for (;;) {
    const page = (await client.xrange(stream, from, '+', 'COUNT', 5000)) as [string, string[]][];
    for (const [, flat] of page) out.push(fieldsOf(flat));
    if (page.length < 5000) return out;
    from = `(${page[page.length - 1]![0]}`;
  }
}

/** Ids seen more than once, and how many distinct. */
function tally(ids: string[]): { distinct: number; doubled: string[] } {
  const seen = new Map<string, number>();
  for (const id of ids) seen.set(id, (seen.get(id) ?? 0) + 1);
  return { distinct: seen.size, doubled: [...seen].filter(([, n]) => n > 1).map(([id]) => id) };
}

/**
 * kill -9 at random points of the cluster commit (before the outputs, between output streams,
 * after the outputs and before the XACK, after the XACK, between a dead letter's copy and its
 * acknowledgement), two children at a time, each also killed from outside at a random moment; a
 * last child without faults finishes. Every event must end up exactly once in each sink stream
 * and every invalid entry exactly once in the DLQ, with nothing pending.
 */
describe('workers on a Redis Cluster under kill -9 during the commit', () => {
  let cluster: OwnCluster;
  let admin: Cluster;
  const children = new Set<ChildProcess>();

  beforeAll(async () => {
    cluster = await OwnCluster.start();
    admin = cluster.client();
  }, 90_000);

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    admin?.disconnect();
    await cluster?.stop();
  });

  it(`${TOTAL.toLocaleString('en')} events: every id processed, none doubled in any output stream or the DLQ`, async () => {
    const ns = uniqueNamespace('wclk');
    const stream = `${ns}security.events`;
    await admin.cluster('SLOTS');
    const ownerOf = (key: string) => admin.slots[keySlot(key)]?.[0];
    const sinks = sinkNames(ns, ownerOf);
    expect(new Set(sinks.map((s) => ownerOf(`${ns}${s}`))).size).toBe(3);

    const ids: string[] = [];
    const invalid: string[] = [];
    for (let done = 0; done < TOTAL; done += 1000) {
      const pipe = admin.pipeline();
      const entryIndexes: number[] = [];
      for (let i = done; i < Math.min(TOTAL, done + 1000); i++) {
        if (i % INVALID_EVERY === INVALID_EVERY - 1) {
          pipe.xadd(stream, '*', 'data', `{"broken": ${i}`);
          entryIndexes.push(i);
          continue;
        }
        const id = randomUUID();
        ids.push(id);
        pipe.xadd(stream, '*', 'data', JSON.stringify({ ...securityEvent(random, Date.now()), id }));
      }
      const replies = (await pipe.exec())!;
      // The invalid entries' stream ids, to find their DLQ copies by origin id.
      let k = 0;
      for (let i = done; i < Math.min(TOTAL, done + 1000); i++, k++) if (entryIndexes.includes(i)) invalid.push(replies[k]![1] as string);
    }

    const seeds = cluster.nodes.map((n) => `127.0.0.1:${n.port}`).join(',');
    const kills = new Map<string, number>();
    let spawned = 0;
    const runChild = (killP: number, outsideKillMs: number | null) =>
      new Promise<void>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/cluster-worker-child.ts'], {
          env: { ...process.env, NS: ns, SEEDS: seeds, SINKS: sinks.join(','), KILL_P: String(killP), CONSUMER: `child-${spawned++}`, BATCH: '100' },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        children.add(child);
        let out = '';
        let timer: NodeJS.Timeout | undefined;
        child.stdout!.on('data', (c: Buffer) => {
          out += c.toString();
          // From outside too, at a random moment once it consumes.
          if (outsideKillMs !== null && !timer && out.includes('started')) {
            timer = setTimeout(() => {
              kills.set('outside', (kills.get('outside') ?? 0) + 1);
              child.kill('SIGKILL');
            }, outsideKillMs);
          }
        });
        child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
        child.once('exit', () => {
          clearTimeout(timer);
          children.delete(child);
          const step = /killed at (\S+)/.exec(out)?.[1];
          if (step) kills.set(step, (kills.get(step) ?? 0) + 1);
          resolve();
        });
      });
    const delivered = async () => {
      const groups = (await admin.xinfo('GROUPS', stream)) as unknown[][];
      const g = groups.map((f) => fieldsOf(f.map(String))).find((x) => x.name === 'event-processors');
      return g ? { lag: Number(g.lag), pending: Number(g.pending) } : null;
    };

    // Rounds of two faulty children side by side until every entry was delivered at least once.
    for (let round = 0; round < 60; round++) {
      await Promise.all([runChild(0.02, 200 + Math.floor(Math.random() * 2000)), runChild(0.02, 200 + Math.floor(Math.random() * 2000))]);
      const state = await delivered();
      if (state && state.lag === 0 && round >= 3) break;
    }
    // A last child without faults takes over what the dead left pending and finishes.
    const last = runChild(0, null);
    await waitFor(async () => {
      const state = await delivered();
      return state !== null && state.lag === 0 && state.pending === 0;
    }, 'every entry acknowledged', 120_000, 250);
    for (const child of children) child.kill('SIGKILL');
    await last;

    const steps = [...kills.keys()].filter((k) => k !== 'outside');
    process.stderr.write(`cluster kill -9 fault test: ${spawned} children, kills ${JSON.stringify(Object.fromEntries(kills))}\n`);
    // The faults hit several points of the commit (outputs half written, written but not acknowledged…).
    expect(steps.length).toBeGreaterThanOrEqual(3);
    for (const sink of sinks) {
      const seen = tally((await readAll(admin, `${ns}${sink}`)).map((f) => (JSON.parse(f.data!) as { id: string }).id));
      expect({ sink, doubled: seen.doubled.slice(0, 5), distinct: seen.distinct }).toEqual({ sink, doubled: [], distinct: ids.length });
    }
    const dead = tally((await readAll(admin, `${ns}security.events.dlq`)).map((f) => f[DLQ_FIELDS.originId]!));
    expect({ doubled: dead.doubled, distinct: dead.distinct }).toEqual({ doubled: [], distinct: invalid.length });
  }, 600_000);
});
