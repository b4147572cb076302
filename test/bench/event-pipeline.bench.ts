import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { Cluster, Redis } from 'ioredis';
import { keySlot } from '../../electron/core/brokers/redis/redis-client';
import { createRandom, securityEvent } from '../../electron/core/demo/message-factory';
import { EventHandler } from '../../electron/core/workers/processors/event-handler';
import { deleteKeys, REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { OwnCluster } from '../helpers/own-cluster';
import { testConsumer } from '../helpers/stream-workers';
import { round } from './stats';

const TOTAL = Number(process.env.BENCH_EVENTS ?? 200_000);
const SKIP_BULLMQ = process.env.BENCH_SKIP_BULLMQ === '1';
const random = createRandom(2024);

/** A seed event of about 1 KB; 5 % critical. */
/** Event types that no seed rule routes (no exposure, breach or config change): only the critical 5 % are routed. */
const UNROUTED_TYPES = ['kong_http_admin_detected', 'github_branch_protection_disabled', 'k8s_privileged_pod', 'fly_machine_public_port'];

function eventOfAboutOneKb(i: number): string {
  const isCritical = i % 20 === 0;
  const event = { ...securityEvent(random, Date.now()), id: randomUUID(), severity: isCritical ? 'critical' : 'medium', event_type: UNROUTED_TYPES[i % UNROUTED_TYPES.length] } as Record<string, unknown>;
  const base = JSON.stringify(event).length;
  event.description = `${String(event.description)} ${'x'.repeat(Math.max(0, 1000 - base))}`;
  return JSON.stringify(event);
}

async function fill(redis: Redis | Cluster, stream: string): Promise<void> {
  for (let done = 0; done < TOTAL; done += 5000) {
    const pipe = redis.pipeline();
    for (let i = done; i < Math.min(TOTAL, done + 5000); i++) pipe.xadd(stream, '*', 'data', eventOfAboutOneKb(i));
    await pipe.exec();
  }
}

/** The raw baseline: XREADGROUP COUNT 500 + one multi-id XACK per batch, JSON.parse only. */
async function rawLoop(redis: Redis, stream: string, group: string): Promise<number> {
  await redis.xgroup('CREATE', stream, group, '0');
  const started = performance.now();
  let seen = 0;
  let parsed = 0;
  while (seen < TOTAL) {
    const reply = (await redis.xreadgroupBuffer('GROUP', group, 'raw', 'COUNT', 500, 'STREAMS', stream, '>')) as [Buffer, [Buffer, Buffer[]][]][] | null;
    const entries = reply?.[0]?.[1] ?? [];
    if (!entries.length) break;
    const ids: Buffer[] = [];
    for (const [id, fields] of entries) {
      if ((JSON.parse(fields[1]!.toString('utf8')) as { id?: string }).id) parsed++;
      ids.push(id);
    }
    await redis.xack(stream, group, ...ids);
    seen += entries.length;
  }
  if (parsed !== TOTAL) throw new Error(`raw loop parsed ${parsed} of ${TOTAL}`);
  return TOTAL / ((performance.now() - started) / 1000);
}

/** The event processor (validation, routing rules, outputs, dedup marks, batch commit), `concurrency` consumer loops; on `cluster` when given. */
async function eventProcessor(ns: string, stream: string, concurrency: number, cluster?: OwnCluster, connect?: { createClient: () => Redis | Cluster; cluster: boolean; label: string }): Promise<number> {
  const onCluster = connect ?? (cluster ? { cluster: true, createClient: () => cluster.client({ maxRetriesPerRequest: null }), label: '' } : { label: '' });
  const consumer = testConsumer({ namespace: ns, stream, group: `event-processors-${concurrency}${onCluster.label}`, handler: new EventHandler({ namespace: ns }), settings: { concurrency, batch: 500 }, blockMs: 50, ...onCluster });
  const started = performance.now();
  await consumer.start();
  while (consumer.status().counters.processed < TOTAL) {
    await new Promise((r) => setTimeout(r, 5));
    if (performance.now() - started > 600_000) throw new Error('event processor did not finish');
  }
  const rate = TOTAL / ((performance.now() - started) / 1000);
  await consumer.stop();
  return rate;
}

/** BullMQ: a Worker with a no-op processor over the same number of jobs (its own queue). */
async function bullmq(ns: string): Promise<number> {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const name = `bench-${randomUUID().slice(0, 8)}`;
  const queue = new Queue(name, { connection, prefix: `${ns}bull` });
  for (let done = 0; done < TOTAL; done += 5000) {
    await queue.addBulk(Array.from({ length: Math.min(5000, TOTAL - done) }, (_, i) => ({ name: 'event', data: { n: done + i } })));
  }
  let completed = 0;
  const started = performance.now();
  const workerConnection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const worker = new Worker(name, async () => undefined, { connection: workerConnection, prefix: `${ns}bull`, concurrency: 100, removeOnComplete: { count: 0 } });
  worker.on('completed', () => completed++);
  while (completed < TOTAL) await new Promise((r) => setTimeout(r, 10));
  const rate = TOTAL / ((performance.now() - started) / 1000);
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  connection.disconnect();
  workerConnection.disconnect();
  return rate;
}

/**
 * Issue 19: the same on a 3-master Redis Cluster started here. The raw baseline talks to the node
 * that holds the input stream directly (per node: XREADGROUP + XACK, no cluster client); the event
 * processor runs through a cluster client and commits per slot (outputs beside each output
 * stream's slot, then the XACK), its alerts and notifications landing on other masters.
 */
async function benchOnCluster(): Promise<Record<string, unknown>> {
  const cluster = await OwnCluster.start();
  const client = cluster.client();
  try {
    const ns = uniqueNamespace('bench-evc');
    const stream = `${ns}security.events`;
    await client.cluster('SLOTS');
    const owner = client.slots[keySlot(stream)]![0]!;
    const [host, port] = owner.split(':');
    const node = new Redis({ host, port: Number(port) });
    await fill(client, stream);
    const raw = await rawLoop(node, stream, 'raw-baseline');
    node.disconnect();
    const processor1 = await eventProcessor(ns, stream, 1, cluster);
    const processor2 = await eventProcessor(ns, stream, 2, cluster);
    const outputOwners = new Set([`${ns}security.alerts`, `${ns}security.notifications`].map((name) => client.slots[keySlot(name)]![0]));
    process.stderr.write(`cluster: raw ${round(raw)}/s, processor ${round(processor1)} / ${round(processor2)}/s\n`);
    const designs = await commitDesignsOnOneNode(cluster, client);
    return {
      commitDesignsOnOneNode: designs,
      rawPerNodeLoopPerSec: round(raw),
      eventProcessorPerSec: { concurrency1: round(processor1), concurrency2: round(processor2) },
      ratioToRaw: round(Math.max(processor1, processor2) / raw, 2),
      alertsWritten: await client.xlen(`${ns}security.alerts`),
      outputsOnOtherMasters: [...outputOwners].filter((o) => o !== owner).length,
    };
  } finally {
    client.disconnect();
    await cluster.stop();
  }
}

/**
 * The two commit designs on the same node and data: a namespace with a hash tag puts the input,
 * its outputs and the marks in one slot, so the single-server script (one round trip) can run
 * there through a plain connection to that node, against the cluster's per-slot commit (outputs,
 * then the XACK: two round trips) through a cluster client. Concurrency 1.
 */
async function commitDesignsOnOneNode(cluster: OwnCluster, client: Cluster): Promise<Record<string, number>> {
  const ns = `{${uniqueNamespace('bench-evt').slice(0, -1)}}:`;
  const stream = `${ns}security.events`;
  const [host, port] = client.slots[keySlot(stream)]![0]!.split(':');
  await fill(client, stream);
  const oneScript = await eventProcessor(ns, stream, 1, undefined, { cluster: false, createClient: () => new Redis({ host, port: Number(port), maxRetriesPerRequest: null }), label: '-one-script' });
  const perSlot = await eventProcessor(ns, stream, 1, undefined, { cluster: true, createClient: () => cluster.client({ maxRetriesPerRequest: null }), label: '-per-slot' });
  process.stderr.write(`one node of the cluster: one-script commit ${round(oneScript)}/s, per-slot commit ${round(perSlot)}/s\n`);
  return { oneScriptPerSec: round(oneScript), perSlotPerSec: round(perSlot), perSlotToOneScript: round(perSlot / oneScript, 2) };
}

/**
 * Issue 4: events/s of the event processor on 200k seed-format events of ~1 KB (5 % critical,
 * routed to alerts and notifications), against a raw XREADGROUP + XACK loop and a BullMQ worker
 * with a no-op processor, in the same run; then the same on a Redis Cluster (benchOnCluster).
 */
export async function benchEventPipeline(): Promise<Record<string, unknown>> {
  const ns = uniqueNamespace('bench-ev');
  const redis = new Redis(REDIS_URL);
  const stream = `${ns}security.events`;
  try {
    await fill(redis, stream);
    const raw = await rawLoop(redis, stream, 'raw-baseline');
    const processor1 = await eventProcessor(ns, stream, 1);
    const processor2 = await eventProcessor(ns, stream, 2);
    process.stderr.write(`raw ${round(raw)}/s, processor ${round(processor1)} / ${round(processor2)}/s\n`);
    const bull = SKIP_BULLMQ ? Number.NaN : await bullmq(ns);
    const cluster = await benchOnCluster();
    const alerts = await redis.xlen(`${ns}security.alerts`);
    const best = Math.max(processor1, processor2);
    return {
      bench: 'event-pipeline',
      events: TOTAL,
      eventBytes: eventOfAboutOneKb(1).length,
      rawLoopPerSec: round(raw),
      eventProcessorPerSec: { concurrency1: round(processor1), concurrency2: round(processor2) },
      bullmqNoopPerSec: round(bull),
      ratioToRaw: round(best / raw, 2),
      ratioToBullmq: round(best / bull, 2),
      alertsWritten: alerts,
      cluster,
      goal: 'one node: event processor >= 0.85x raw loop and >= 2.5x BullMQ; 3-master cluster: >= 0.7x a raw per-node XREADGROUP+XACK loop',
    };
  } finally {
    await deleteKeys(redis, ns);
    redis.disconnect();
  }
}
