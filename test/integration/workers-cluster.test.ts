import { Redis, type Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DLQ_FIELDS } from '../../shared/model/dead-letter';
import type { WorkersView } from '../../shared/model/workers';
import { keySlot } from '../../electron/core/brokers/redis/redis-client';
import { createRandom, securityEvent } from '../../electron/core/demo/message-factory';
import { WorkerRuntime, type WorkerRuntimeConfig } from '../../electron/core/workers/worker-runtime';
import { deleteKeys, REDIS_URL, tempHome, uniqueNamespace } from '../helpers/brokers';
import { createTestCore, type TestCore } from '../helpers/core';
import { OwnCluster } from '../helpers/own-cluster';
import { testConsumer } from '../helpers/stream-workers';
import { waitFor } from '../helpers/wait';
import type { Outcome, StreamHandler } from '../../electron/core/workers/stream-handler';
import { cliIn, WorkProcess } from '../helpers/work-process';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const single = { host: '127.0.0.1', port: Number(new URL(REDIS_URL).port || 6379), db: 0, username: '', password: '', tls: false, tlsSettings: null };
const OUTPUTS = ['security.alerts', 'security.notifications', 'security.scans'];
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const fieldsOf = (flat: string[]) => Object.fromEntries(Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i], flat[2 * i + 1]]));

/** Seed events of every routed kind (critical, exposure, Kong/K8s config change, plain), a duplicate event id, and one invalid entry; the same list for every run. */
const payloads = ((list: string[]) => () => list)(makePayloads());

function makePayloads(): string[] {
  const random = createRandom(91);
  const kinds = [
    { severity: 'critical', event_type: 'k8s_privileged_pod', source: 'k8s_monitor' },
    { severity: 'medium', event_type: 'github_secret_exposure', source: 'github_scanner' },
    { severity: 'low', event_type: 'kong_plugin_config_change', source: 'kong_monitor' },
    { severity: 'medium', event_type: 'fly_machine_public_port', source: 'fly_monitor' },
  ];
  const out = Array.from({ length: 200 }, (_, i) => JSON.stringify({ ...securityEvent(random, Date.UTC(2026, 0, 1) + i), ...kinds[i % kinds.length] }));
  out.push(out[0]!, out[5]!);
  out.push('{"id": "x", "severity": "nope"}');
  return out;
}

/** An output stream's entries as comparable text: the `data` JSON with the times written now replaced. */
async function normalized(client: Redis | Cluster, stream: string): Promise<string[]> {
  const entries = (await client.xrange(stream, '-', '+')) as [string, string[]][];
  return entries.map(([, flat]) => JSON.stringify(JSON.parse(fieldsOf(flat).data!), (_key, value: unknown) => (typeof value === 'string' && ISO.test(value) ? '<time>' : value))).sort();
}

async function runEventProcessor(redis: WorkerRuntimeConfig['env']['redis'], ns: string, client: Redis | Cluster, n: number): Promise<WorkersView> {
  const runtime = new WorkerRuntime({ env: { id: ns, namespace: ns, redis, amqp: null, postgres: null }, timings: { blockMs: 100, reclaimEveryMs: 200 } }, { clock: { now: () => Date.now() }, logger: silent });
  try {
    for (const data of payloads()) await client.xadd(`${ns}security.events`, '*', 'data', data);
    expect(await runtime.start(['event'], { fromStart: true })).toEqual({});
    const done = () => {
      const event = runtime.view('in-process').processors.find((p) => p.name === 'event')!;
      return event.counters.processed + event.counters.duplicates + event.counters.deadLettered >= n ? runtime.view('in-process') : undefined;
    };
    return await waitFor(done, 'the event processor through every entry', 30_000);
  } finally {
    await runtime.stop();
  }
}

describe('workers on a Redis Cluster (3 masters)', () => {
  let cluster: OwnCluster;
  let admin: Cluster;
  const local = new Redis(REDIS_URL);
  const cleanups: (() => Promise<void> | void)[] = [];

  beforeAll(async () => {
    cluster = await OwnCluster.start();
    admin = cluster.client();
  }, 90_000);

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    admin?.disconnect();
    local.disconnect();
    await cluster?.stop();
  });

  it('routes the seed topology to the same outputs as on one server, its streams on several masters', async () => {
    const ns = uniqueNamespace('wcl');
    cleanups.push(() => deleteKeys(local, ns));
    const n = payloads().length;
    const [onCluster, onOne] = await Promise.all([runEventProcessor(cluster.settings, ns, admin, n), runEventProcessor(single, ns, local, n)]);
    // The streams involved live on at least two masters (else this proves nothing about slots).
    await admin.cluster('SLOTS');
    const owners = new Set([`${ns}security.events`, `${ns}security.events.dlq`, ...OUTPUTS.map((s) => `${ns}${s}`)].map((name) => admin.slots[keySlot(name)]?.[0]));
    expect(owners.size).toBeGreaterThanOrEqual(2);

    for (const view of [onCluster, onOne]) {
      const event = view.processors.find((p) => p.name === 'event')!;
      expect(event.counters).toMatchObject({ processed: 200, duplicates: 2, deadLettered: 1, failures: 1 });
    }
    // The processors that write several slots in one script are named, not started.
    const other = new WorkerRuntime({ env: { id: ns, namespace: ns, redis: cluster.settings, amqp: null, postgres: null } }, { clock: { now: () => Date.now() }, logger: silent });
    const refused = await other.start(['alert', 'escalation', 'metrics', 'scan']);
    await other.stop();
    expect(Object.keys(refused).sort()).toEqual(['alert', 'escalation', 'metrics']);
    expect(refused.alert).toMatch(/not on a Redis Cluster yet: the alert store/);
    expect(onCluster.processors.find((p) => p.name === 'metrics')!.unavailable).toMatch(/not on a Redis Cluster yet/);
    for (const stream of OUTPUTS) {
      const [a, b] = [await normalized(admin, `${ns}${stream}`), await normalized(local, `${ns}${stream}`)];
      expect(a.length).toBeGreaterThan(0);
      expect(a).toEqual(b);
    }
    const dead = ((await admin.xrange(`${ns}security.events.dlq`, '-', '+')) as [string, string[]][]).map(([, f]) => fieldsOf(f));
    expect(dead).toHaveLength(1);
    expect(dead[0]![DLQ_FIELDS.error]).toMatch(/not a seed 000 security event/);
    expect(dead[0]![DLQ_FIELDS.originStream]).toBe(`${ns}security.events`);
    expect(((await admin.xpending(`${ns}security.events`, 'event-processors')) as [number])[0]).toBe(0);
  }, 90_000);

  it('an effectful sender on the cluster: each dedup id acted on once (claims beside the input), a failing one retried then dead-lettered', async () => {
    const ns = uniqueNamespace('wcle');
    const stream = `${ns}security.notifications`;
    const acted: string[] = [];
    const idOf = (payload: Buffer | null) => (JSON.parse(String(payload)) as { key: string }).key;
    const handler: StreamHandler = {
      mode: 'effectful',
      dedupId: (m) => idOf(m.payload),
      retryPolicy: () => ({ maxRetries: 2, backoff: { type: 'fixed', delayMs: 50 }, jitter: 0 }),
      deadLetterStream: () => `${stream}.dlq`,
      async handle(messages) {
        return messages.map((m): Outcome => {
          const key = idOf(m.payload);
          if (key === 'poison') return { kind: 'retry', error: 'receiver refused' };
          acted.push(key);
          return { kind: 'done' };
        });
      },
    };
    const keys = [...Array.from({ length: 30 }, (_, i) => `n-${i}`), 'n-3', 'n-7', 'poison'];
    for (const key of keys) await admin.xadd(stream, '*', 'data', JSON.stringify({ key }));
    const sender = testConsumer({ namespace: ns, stream, group: 'webhook-sender', handler, settings: { concurrency: 2, batch: 5 }, cluster: true, createClient: () => cluster.client({ maxRetriesPerRequest: null }) });
    cleanups.push(() => sender.stop());
    await sender.start();
    await waitFor(() => sender.status().counters.deadLettered === 1 && sender.status().counters.processed + sender.status().counters.duplicates === 32, 'every notification handled', 30_000);
    expect(acted.sort()).toEqual(Array.from({ length: 30 }, (_, i) => `n-${i}`).sort());
    expect(sender.status().counters).toMatchObject({ processed: 30, duplicates: 2, deadLettered: 1, retries: 2 });
    expect(await admin.xlen(`${stream}.dlq`)).toBe(1);
    expect(((await admin.xpending(stream, 'webhook-sender')) as [number])[0]).toBe(0);
  }, 60_000);

  it('the console starts the event processor on the cluster and the Workers view shows it running', async () => {
    const ns = uniqueNamespace('wclc');
    const test: TestCore = await createTestCore(ns, { redis: cluster.profile, amqp: null, managementUrl: null }, { workerOptions: { isolation: 'in-process', timings: { blockMs: 100, reclaimEveryMs: 200 } } });
    cleanups.push(() => test.close());
    const started = await test.core.call('workers.start', { envId: test.envId, only: ['event', 'alert'] });
    expect(started.ok).toBe(true);
    for (const data of payloads().slice(0, 20)) await admin.xadd(`${ns}security.events`, '*', 'data', data);
    const view = await waitFor(async () => {
      const listed = await test.core.call('workers.list', { envId: test.envId });
      const event = listed.ok ? listed.value.processors.find((p) => p.name === 'event') : undefined;
      return event && event.state === 'running' && event.counters.processed === 20 ? listed : undefined;
    }, 'the event processor running, 20 processed', 30_000);
    expect(view.ok && view.value.processors.find((p) => p.name === 'alert')!.unavailable).toMatch(/Redis Cluster/);
    expect(await admin.xlen(`${ns}security.alerts`)).toBe(10);
    await test.core.call('workers.stop', { envId: test.envId });
  }, 60_000);

  it('watchfloor work runs the event processor on the cluster', async () => {
    const ns = uniqueNamespace('wclw');
    const home = tempHome();
    cleanups.push(() => home.cleanup());
    const cli = cliIn(home.dir);
    const seeds = cluster.profile.cluster.nodes.join(',');
    expect((await cli('env', 'add', '--name', 'Clustered', '--redis', cluster.profile.url, '--cluster', seeds, '--namespace', ns)).code).toBe(0);
    for (const data of payloads().slice(0, 20)) await admin.xadd(`${ns}security.events`, '*', 'data', data);
    const work = new WorkProcess(home.dir, ['--env', 'Clustered', '--only', 'event', '--from-start', '--json', '--every-seconds', '1']);
    cleanups.push(async () => void (await work.stop()));
    await waitFor(() => {
      if (work.child.exitCode !== null) throw new Error(`work exited with ${work.child.exitCode}: ${work.stderr}`);
      const lines = work.stdout.split('\n').filter((line) => line.startsWith('{'));
      const last = lines.length ? (JSON.parse(lines[lines.length - 1]!) as WorkersView) : null;
      return last?.processors.find((p) => p.name === 'event')?.counters.processed === 20;
    }, 'work to process the 20 events', 60_000, 100);
    expect(await admin.xlen(`${ns}security.alerts`)).toBe(10);
    expect(await work.stop()).toBe(0);
  }, 90_000);
});
