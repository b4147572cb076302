import { performance } from 'node:perf_hooks';
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { topologyFor } from '../../shared/model/topology';
import { ensureQueueTopology } from '../../electron/core/demo/demo-topology';
import { MetricsProcessor } from '../../electron/core/workers/rabbit/metrics-processor';
import { AMQP_URL, uniqueNamespace } from '../helpers/brokers';
import { round } from './stats';

const N = 50_000;
const PREFETCH = 1000;

/** A seed 002 metrics message; one in a hundred crosses the CPU threshold (an alert is published). */
const metric = (i: number) =>
  Buffer.from(
    JSON.stringify({
      system_id: i % 500,
      collected_at: new Date(Date.UTC(2025, 10, 25, 10, 0, 0) + i * 1000).toISOString(),
      metrics: { cpu_percent: i % 100 === 0 ? 95.5 : 45.23, ram_percent: 67.89, disk_percent: 55.12, network_sent_mbps: 12.45, network_recv_mbps: 8.32, gpu_percent: 78.9, uptime_seconds: 345600, logged_in_users: 3 },
    }),
  );

async function fill(channel: Channel, queue: string): Promise<void> {
  for (let i = 0; i < N; i++) {
    if (!channel.sendToQueue(queue, metric(i))) await new Promise((resolve) => channel.once('drain', resolve));
  }
  while ((await channel.checkQueue(queue)).messageCount < N) await new Promise((resolve) => setTimeout(resolve, 50));
}

/**
 * Seed 002 metrics consumption: the rabbit-metrics processor (validation, thresholds, dedup,
 * confirmed alert publishes, ack after confirm) vs a raw amqplib loop (prefetch 1000, JSON.parse,
 * ack per message), same N, same queue, alternated after a warm-up.
 */
export async function benchAmqpConsume(): Promise<Record<string, unknown>> {
  const ns = uniqueNamespace('bench-consume');
  const topology = topologyFor(ns);
  const queue = topology.queues.find((q) => q.bindingKey === 'metrics.collected')!.name;
  const alertQueue = topology.queues.find((q) => q.bindingKey === 'alerts.*')!.name;
  const connection: ChannelModel = await amqp.connect(AMQP_URL);
  const channel = await connection.createChannel();
  const url = new URL(AMQP_URL);
  const settings = { url: AMQP_URL, username: 'guest', password: 'guest', vhost: '/', tls: false, host: url.hostname, port: Number(url.port || 5672), tlsSettings: null };
  try {
    await ensureQueueTopology(channel, topology);

    const rawRun = async () => {
      await fill(channel, queue);
      const consumer = await connection.createChannel();
      await consumer.prefetch(PREFETCH);
      const t0 = performance.now();
      let seen = 0;
      await new Promise<void>((resolve) => {
        void consumer.consume(queue, (m) => {
          if (!m) return;
          JSON.parse(m.content.toString('utf8'));
          consumer.ack(m);
          if (++seen === N) resolve();
        });
      });
      const ms = performance.now() - t0;
      await consumer.close();
      return ms;
    };
    const processorRun = async () => {
      await fill(channel, queue);
      const processor = new MetricsProcessor({ amqp: settings, namespace: ns, settings: { batch: PREFETCH } });
      const t0 = performance.now();
      await processor.start();
      // Polled often: the poll interval bounds the error of the measurement (a few ms over seconds).
      while (processor.status().counters.processed < N) await new Promise((resolve) => setTimeout(resolve, 2));
      const ms = performance.now() - t0;
      await processor.stop();
      await channel.purgeQueue(alertQueue);
      return ms;
    };
    await rawRun(); // warm-up, not counted
    await processorRun();
    const runs = { raw: [] as number[], processor: [] as number[] };
    for (let i = 0; i < 2; i++) {
      runs.raw.push(await rawRun());
      runs.processor.push(await processorRun());
    }
    const best = { raw: Math.min(...runs.raw), processor: Math.min(...runs.processor) };
    return {
      bench: 'amqp-consume',
      messages: N,
      prefetch: PREFETCH,
      processor: { ms: round(best.processor, 1), perSecond: Math.round(N / (best.processor / 1000)), runs: runs.processor.map((m) => round(m, 1)) },
      rawLoop: { ms: round(best.raw, 1), perSecond: Math.round(N / (best.raw / 1000)), runs: runs.raw.map((m) => round(m, 1)) },
      ratio: round(best.raw / best.processor, 2),
      goal: 'ratio ≥ 0.7 (processor throughput / raw loop throughput)',
    };
  } finally {
    for (const q of topology.queues) for (const name of [q.name, q.deadLetterQueue]) await channel.deleteQueue(name).catch(() => undefined);
    for (const ex of [topology.exchange, topology.deadLetterExchange]) await channel.deleteExchange(ex).catch(() => undefined);
    await connection.close().catch(() => undefined);
  }
}
