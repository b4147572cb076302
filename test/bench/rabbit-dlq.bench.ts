import { performance } from 'node:perf_hooks';
import amqp, { type Channel } from 'amqplib';
import { replayRabbitDlq } from '../../electron/core/dead-letters/rabbit-dlq';
import { AMQP_URL, uniqueNamespace } from '../helpers/brokers';
import { round } from './stats';

const N = 10_000;
/** Publishes the raw loop keeps unconfirmed at most (its prefetch). */
const WINDOW = 1000;
const PAYLOAD = Buffer.from(JSON.stringify({ asset_id: 'x'.repeat(36), metric: 'cpu', value: 97.5, details: 'y'.repeat(300) }));

/** Fills `dlq` with N messages carrying an x-death header that points at `origin`. */
async function fill(channel: Channel, dlq: string, origin: string): Promise<void> {
  for (let i = 0; i < N; i++) {
    channel.sendToQueue(dlq, PAYLOAD, { messageId: `b-${i}`, headers: { 'x-death': [{ queue: origin, reason: 'rejected', count: 1, exchange: '', 'routing-keys': [origin] }] } });
  }
  await new Promise((r) => setTimeout(r, 200));
  while ((await channel.checkQueue(dlq)).messageCount < N) await new Promise((r) => setTimeout(r, 100));
}

/**
 * Issues 6 and 19: bulk replay of RabbitMQ dead letters with publisher confirms — the console's
 * (a consumer with a window of unconfirmed copies, each dead letter acked after its confirm, in
 * order) vs a raw amqplib loop doing the same primitive work with the same window of 1,000
 * unconfirmed publishes, same N, same run.
 */
export async function benchRabbitDlq(): Promise<Record<string, unknown>> {
  const ns = uniqueNamespace('bench-rdlq').replace(/:$/, '');
  const connection = await amqp.connect(AMQP_URL);
  const channel = await connection.createChannel();
  const dlq = `${ns}.dlq`;
  const origin = `${ns}.work`;
  try {
    for (const q of [dlq, origin]) await channel.assertQueue(q, { durable: false });

    // The raw baseline (issue 19): what the broker does for this work — a consumer with a prefetch of
    // WINDOW feeding a confirm channel, so up to WINDOW publishes are unconfirmed, each source acked
    // only after its copy's confirm.
    const rawRun = async () => {
      await fill(channel, dlq, origin);
      const confirm = await connection.createConfirmChannel();
      const t0 = performance.now();
      await confirm.prefetch(WINDOW);
      let acked = 0;
      let tag = '';
      await new Promise<void>((resolve, reject) => {
        void confirm
          .consume(dlq, (m) => {
            if (!m) return reject(new Error('consumer cancelled'));
            confirm.publish('', origin, m.content, { ...m.properties, mandatory: true, persistent: true }, (error) => {
              if (error) return reject(error);
              confirm.ack(m);
              if (++acked === N) resolve();
            });
          })
          .then((ok) => (tag = ok.consumerTag), reject);
      });
      const ms = performance.now() - t0;
      await confirm.cancel(tag);
      await confirm.close();
      await channel.purgeQueue(origin);
      return ms;
    };
    const consoleRun = async () => {
      await fill(channel, dlq, origin);
      const t0 = performance.now();
      const outcome = await replayRabbitDlq(connection, dlq, { count: N, target: null, dryRun: false, maxReplays: 3, force: false });
      const ms = performance.now() - t0;
      if (outcome.replayed !== N) throw new Error(`console replayed ${outcome.replayed} of ${N}`);
      await channel.purgeQueue(origin);
      return ms;
    };
    // Alternated, best of two each: the broker's state (queue index, memory) changes between runs.
    await rawRun(); // warm-up, not counted
    const runs = { raw: [] as number[], console: [] as number[] };
    runs.raw.push(await rawRun());
    runs.console.push(await consoleRun());
    runs.raw.push(await rawRun());
    runs.console.push(await consoleRun());
    const best = { raw: Math.min(...runs.raw), console: Math.min(...runs.console) };
    return {
      bench: 'rabbit-dlq',
      messages: N,
      console: { ms: round(best.console, 1), perSecond: Math.round(N / (best.console / 1000)), runs: runs.console.map((m) => round(m, 1)) },
      rawWindowedLoop: { window: WINDOW,  ms: round(best.raw, 1), perSecond: Math.round(N / (best.raw / 1000)), runs: runs.raw.map((m) => round(m, 1)) },
      ratio: round(best.raw / best.console, 2),
      goal: 'ratio ≥ 0.5 (console throughput / raw throughput)',
      isGoalMet: best.raw / best.console >= 0.5,
    };
  } finally {
    for (const q of [dlq, origin]) await channel.deleteQueue(q).catch(() => undefined);
    await connection.close().catch(() => undefined);
  }
}
