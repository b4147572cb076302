import amqp, { type Channel, type ChannelModel, type ConfirmChannel, type Message } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayRabbitDlq } from '../../electron/core/dead-letters/rabbit-dlq';
import { REPLAY_WINDOW } from '../../electron/core/dead-letters/rabbit-replay';
import { AMQP_URL, uniqueNamespace } from '../helpers/brokers';
import { waitFor } from '../helpers/wait';

const N = 3000;

/**
 * The pipelined replay (issue 19) on the real broker: thousands of dead letters with a window of
 * copies in flight, every dead letter removed only after the broker confirmed its copy — watched
 * from inside the confirm channel — and a target that refuses (a full queue with reject-publish)
 * leaving its dead letters in the DLQ, reported as failed.
 */
describe('RabbitMQ replay with a window of unconfirmed copies', () => {
  const ns = uniqueNamespace('rwin').replace(/:$/, '');
  const dlq = `${ns}.dlq`;
  const target = `${ns}.work`;
  const full = `${ns}.full`;
  let connection: ChannelModel;
  let channel: Channel;

  /** The same connection, whose confirm channel records each copy's confirm and checks every ack against it. */
  const watched = () => {
    const seen = { confirmed: new Set<string>(), ackedEarly: [] as string[], acked: 0, inFlight: 0, maxInFlight: 0 };
    const model = {
      createConfirmChannel: async () => {
        const ch: ConfirmChannel = await connection.createConfirmChannel();
        const publish = ch.publish.bind(ch);
        ch.publish = (exchange, routingKey, content, options, callback) => {
          seen.maxInFlight = Math.max(seen.maxInFlight, ++seen.inFlight);
          return publish(exchange, routingKey, content, options, (error, ok) => {
            seen.inFlight--;
            if (!error) seen.confirmed.add(String(options?.messageId));
            callback?.(error, ok);
          });
        };
        const ack = ch.ack.bind(ch);
        ch.ack = (message: Message, allUpTo?: boolean) => {
          // One ack removes one dead letter in this code; allUpTo would need its own check.
          if (allUpTo || !seen.confirmed.has(String(message.properties.messageId))) seen.ackedEarly.push(String(message.properties.messageId));
          seen.acked++;
          ack(message, allUpTo);
        };
        return ch;
      },
    } as unknown as ChannelModel;
    return { model, seen };
  };
  const depth = async (queue: string) => (await channel.checkQueue(queue)).messageCount;
  const fill = async (origin: string) => {
    for (let i = 0; i < N; i++) channel.sendToQueue(dlq, Buffer.from(`{"n":${i}}`), { messageId: `w-${i}`, headers: { 'x-death': [{ queue: origin, reason: 'rejected', count: 1, exchange: '', 'routing-keys': [origin] }] } });
    await waitFor(async () => ((await depth(dlq)) === N ? true : undefined), `${N} dead letters`);
  };
  const drainIds = async (queue: string) => {
    const ids: string[] = [];
    for (;;) {
      const m = await channel.get(queue, { noAck: true });
      if (!m) return ids;
      ids.push(String(m.properties.messageId));
    }
  };

  beforeAll(async () => {
    connection = await amqp.connect(AMQP_URL);
    channel = await connection.createChannel();
    await channel.assertQueue(dlq, { durable: false });
    await channel.assertQueue(target, { durable: false });
    await channel.assertQueue(full, { durable: false, arguments: { 'x-max-length': 1000, 'x-overflow': 'reject-publish' } });
  });
  afterAll(async () => {
    for (const q of [dlq, target, full]) await channel.deleteQueue(q).catch(() => undefined);
    await connection.close().catch(() => undefined);
  });

  it(`replays ${N}: each dead letter removed only after its copy is confirmed in the target, all exactly once`, async () => {
    await fill(target);
    const { model, seen } = watched();
    const outcome = await replayRabbitDlq(model, dlq, { count: 10_000, target: null, dryRun: false, maxReplays: 3, force: false });
    expect(outcome).toMatchObject({ matched: N, replayed: N, failed: [], unknown: 0, targets: { [target]: N } });
    expect(seen.ackedEarly).toEqual([]);
    expect(seen.acked).toBe(N);
    expect(seen.maxInFlight).toBeLessThanOrEqual(REPLAY_WINDOW);
    expect(await depth(dlq)).toBe(0);
    const ids = await drainIds(target);
    expect(ids).toHaveLength(N);
    expect(new Set(ids).size).toBe(N);
  });

  it('a target that refuses copies (full, reject-publish): those dead letters stay in the DLQ and are reported failed', async () => {
    await fill(full);
    const { model, seen } = watched();
    const outcome = await replayRabbitDlq(model, dlq, { count: 10_000, target: null, dryRun: false, maxReplays: 3, force: false });
    expect(outcome).toMatchObject({ matched: N, replayed: 1000, unknown: 0, targets: { [full]: 1000 } });
    expect(outcome.failed).toHaveLength(N - 1000);
    expect(outcome.failed[0]!.reason).toContain('refused the copy');
    expect(seen.ackedEarly).toEqual([]);
    expect(seen.acked).toBe(1000);
    await waitFor(async () => ((await depth(dlq)) === N - 1000 ? true : undefined), 'the refused dead letters back in the DLQ');
    const copied = await drainIds(full);
    const stayed = await drainIds(dlq);
    expect(copied).toHaveLength(1000);
    expect(new Set([...copied, ...stayed]).size).toBe(N);
    // Exactly the refused ones stayed.
    expect(new Set(stayed)).toEqual(new Set(outcome.failed.map((f) => f.id)));
  });
});
