// A child process running the event processor on a Redis Cluster as one consumer of the group,
// routing every event to the sink streams named in SINKS (without the namespace). At each step of a batch's commit it
// kill -9s itself with probability KILL_P (printing the step first): the fault test's random points.
import { Cluster } from 'ioredis';
import { EventHandler } from '../../electron/core/workers/processors/event-handler';
import { parseRoutingRules } from '../../electron/core/workers/routing-rules';
import { StreamConsumer } from '../../electron/core/workers/stream-consumer';

const ns = process.env.NS!;
const seeds = process.env.SEEDS!.split(',').map((hostPort) => ({ host: hostPort.split(':')[0]!, port: Number(hostPort.split(':')[1]) }));
const sinks = process.env.SINKS!.split(',');
const killP = Number(process.env.KILL_P ?? 0);
const rules = parseRoutingRules(`routing_rules:\n  everything:\n    conditions:\n      - severity IN ("critical", "high", "medium", "low", "info")\n    destinations:\n${sinks.map((s) => `      - ${s} (all)\n`).join('')}`);

const consumer = new StreamConsumer({
  name: 'event',
  title: 'Event processor (cluster child)',
  stream: `${ns}security.events`,
  group: 'event-processors',
  consumerPrefix: process.env.CONSUMER!,
  keyPrefix: `${ns}watchfloor:workers:`,
  handler: new EventHandler({ namespace: ns, rules }),
  settings: { concurrency: 2, batch: Number(process.env.BATCH ?? 100) },
  createClient: () => {
    const client = new Cluster(seeds, { redisOptions: { maxRetriesPerRequest: null }, enableOfflineQueue: true });
    client.on('error', () => undefined);
    return client;
  },
  cluster: true,
  clock: { now: () => Date.now() },
  logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
  blockMs: 100,
  reclaimIdleMs: Number(process.env.RECLAIM_IDLE_MS ?? 1000),
  reclaimEveryMs: 250,
  fromStart: true,
  onCommitStep: (step) => {
    if (Math.random() >= killP) return;
    process.stdout.write(`killed at ${step}\n`);
    process.kill(process.pid, 'SIGKILL');
  },
});
await consumer.start();
process.stdout.write('started\n');
