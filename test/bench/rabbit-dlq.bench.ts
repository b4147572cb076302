import { performance } from 'node:perf_hooks';
import amqp, { type Channel } from 'amqplib';
import { replayRabbitDlq } from '../../electron/core/dead-letters/rabbit-dlq';
import { AMQP_URL, uniqueNamespace } from '../helpers/brokers';
import { round } from './stats';

const N = 10_000;
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
 * Issue 6: bulk replay of RabbitMQ dead letters with publisher confirms — the console's
 * (get unacked, publish mandatory, one waitForConfirms, ack after confirm) vs a raw amqplib loop
 * doing the same primitive work (get, confirmed publish, ack), same N, same run.
 */
export async function benchRabbitDlq(): Promise<Record<string, unknown>> {
  const ns = uniqueNamespace('bench-rdlq').replace(/:$/, '');
  const connection = await amqp.connect(AMQP_URL);
  const channel = await connection.createChannel();
  const dlq = `${ns}.dlq`;
  const origin = `${ns}.work`;
  try {
    for (const q of [dlq, origin]) await channel.assertQueue(q, { durable: false });

    await fill(channel, dlq, origin);
    let t = performance.now();
    const outcome = await replayRabbitDlq(connection, dlq, { count: N, target: null, dryRun: false, maxReplays: 3, force: false });
    const consoleMs = performance.now() - t;
    if (outcome.replayed !== N) throw new Error(`console replayed ${outcome.replayed} of ${N}`);
    await channel.purgeQueue(origin);

    await fill(channel, dlq, origin);
    const confirm = await connection.createConfirmChannel();
    t = performance.now();
    const taken = [];
    for (let i = 0; i < N; i++) {
      const m = await confirm.get(dlq, { noAck: false });
      if (!m) break;
      confirm.publish('', origin, m.content, { ...m.properties, mandatory: true });
      taken.push(m);
    }
    await confirm.waitForConfirms();
    for (const m of taken) confirm.ack(m);
    const rawMs = performance.now() - t;
    await confirm.close();
    return {
      bench: 'rabbit-dlq',
      messages: N,
      console: { ms: round(consoleMs, 1), perSecond: Math.round(N / (consoleMs / 1000)) },
      rawConfirmedLoop: { ms: round(rawMs, 1), perSecond: Math.round(N / (rawMs / 1000)) },
      ratio: round(rawMs / consoleMs, 2),
      goal: 'ratio ≥ 0.5 (console throughput / raw throughput)',
    };
  } finally {
    for (const q of [dlq, origin]) await channel.deleteQueue(q).catch(() => undefined);
    await connection.close().catch(() => undefined);
  }
}
