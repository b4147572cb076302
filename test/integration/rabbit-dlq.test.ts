import amqp, { type Channel, type ChannelModel, type ConfirmChannel, type GetMessage } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RABBIT_REPLAY_HEADERS, browseRabbitDlq, replayRabbitDlq } from '../../electron/core/dead-letters/rabbit-dlq';
import { AMQP_URL, CuttableProxy, uniqueNamespace } from '../helpers/brokers';
import { DEAD_LETTER_HEADERS } from '../../shared/model/rabbit-dlq';
import { waitFor } from '../helpers/wait';

const BINARY = Buffer.from([0x00, 0xff, 0x10, 0x80, 0x7f, 0xfe, 0x0a, 0x00, 0xc3]);

/**
 * RabbitMQ dead letters on the real broker: messages rejected from a work queue land in its DLQ
 * with an x-death chain; the console browses without consuming, replays with publisher confirms,
 * catches a return when the origin queue is gone, and reports "outcome unknown" when the
 * connection dies between publish and confirm — losing none.
 */
describe('RabbitMQ dead-letter queues', () => {
  const ns = uniqueNamespace('rdlq').replace(/:$/, '');
  const work = `${ns}.work`;
  const gone = `${ns}.gone`;
  const dlq = `${ns}.work.dlq`;
  const dlx = `${ns}.dlx`;
  let connection: ChannelModel;
  let channel: Channel;

  /** Publishes to `queue` and rejects it from there, so it is dead-lettered with x-death. */
  const deadLetter = async (queue: string, content: Buffer, messageId: string) => {
    channel.sendToQueue(queue, content, { messageId, persistent: true });
    const message = await waitFor(async () => (await channel.get(queue, { noAck: false })) || undefined, `message in ${queue}`);
    channel.nack(message, false, false);
  };
  const depth = async (queue: string) => (await channel.checkQueue(queue)).messageCount;

  beforeAll(async () => {
    connection = await amqp.connect(AMQP_URL);
    channel = await connection.createChannel();
    await channel.assertExchange(dlx, 'direct', { durable: false, autoDelete: false });
    await channel.assertQueue(dlq, { durable: false });
    for (const q of [work, gone]) {
      await channel.bindQueue(dlq, dlx, q);
      await channel.assertQueue(q, { durable: false, arguments: { 'x-dead-letter-exchange': dlx, 'x-dead-letter-routing-key': q } });
    }
    for (let i = 0; i < 4; i++) await deadLetter(work, Buffer.from(JSON.stringify({ n: i })), `m-${i}`);
    await deadLetter(work, BINARY, 'm-binary');
    await waitFor(async () => ((await depth(dlq)) === 5 ? true : undefined), '5 dead letters');
  });
  afterAll(async () => {
    for (const q of [work, gone, dlq]) await channel.deleteQueue(q).catch(() => undefined);
    await channel.deleteExchange(dlx).catch(() => undefined);
    await connection.close().catch(() => undefined);
  });

  it('browses the head without consuming: order kept, x-death chain shown, the queue unchanged', async () => {
    const first = await browseRabbitDlq(connection, dlq, 50, null);
    expect(first.messages.map((m) => m.messageId)).toEqual(['m-0', 'm-1', 'm-2', 'm-3', 'm-binary']);
    expect(first.messages[0]).toMatchObject({ originQueue: work, reason: 'rejected', deaths: 1, xDeath: [expect.objectContaining({ queue: work, reason: 'rejected', count: 1 })], payload: { preview: '{"n":0}' } });
    expect(first.messages[4]!.payload.encoding).toBe('hex');
    expect(first.note).toContain('Nothing was removed');
    await waitFor(async () => ((await depth(dlq)) === 5 ? true : undefined), 'all back in the queue');
    const again = await browseRabbitDlq(connection, dlq, 50, null);
    expect(again.messages.map((m) => m.messageId)).toEqual(['m-0', 'm-1', 'm-2', 'm-3', 'm-binary']);
    expect(again.messages[0]!.redelivered).toBe(true);
  });

  it('replays with confirms to the queue each died in; the dead letter is acked only after the confirm', async () => {
    const dry = await replayRabbitDlq(connection, dlq, { count: 100, target: null, dryRun: true, maxReplays: 3, force: false });
    expect(dry).toMatchObject({ dryRun: true, matched: 5, replayed: 5, targets: { [work]: 5 } });
    // No pipeline consumer reads the work queue: its messages are not checked, and the dry run says so.
    expect(dry.check).toMatchObject({ passes: 0, fails: 0, unchecked: 5 });
    await waitFor(async () => ((await depth(dlq)) === 5 ? true : undefined), 'dry run took nothing');
    // Aimed at the seed's alert_queue, the check runs its consumer's schema (issue 21.7): none of these would pass.
    const checked = await replayRabbitDlq(connection, dlq, { count: 100, target: `${ns}.alert_queue`, dryRun: true, maxReplays: 3, force: false, namespace: `${ns}.` });
    expect(checked.check).toMatchObject({ passes: 0, fails: 5, unchecked: 0 });
    expect(checked.check!.failures.map((f) => f.reason)).toEqual([...Array.from({ length: 4 }, () => expect.stringMatching(/^schema: /)), 'not JSON']);
    await waitFor(async () => ((await depth(dlq)) === 5 ? true : undefined), 'dry run took nothing');
    const two = await replayRabbitDlq(connection, dlq, { count: 2, target: null, dryRun: false, maxReplays: 3, force: false });
    expect(two).toMatchObject({ replayed: 2, failed: [], unknown: 0, targets: { [work]: 2 } });
    await waitFor(async () => ((await depth(dlq)) === 3 && (await depth(work)) === 2 ? true : undefined), '2 back in work');
    const back = (await channel.get(work, { noAck: true })) as GetMessage;
    expect(back.content.toString()).toBe('{"n":0}');
    expect(back.properties.headers).toMatchObject({ [RABBIT_REPLAY_HEADERS.count]: 1, [RABBIT_REPLAY_HEADERS.of]: dlq });
    expect(back.properties.headers?.['x-death']).toBeUndefined();
    await channel.get(work, { noAck: true });
    // The rest, the binary one included, byte for byte.
    const rest = await replayRabbitDlq(connection, dlq, { count: 100, target: null, dryRun: false, maxReplays: 3, force: false });
    expect(rest.replayed).toBe(3);
    const contents: Buffer[] = [];
    await waitFor(async () => {
      const m = await channel.get(work, { noAck: true });
      if (m) contents.push(m.content);
      return contents.length === 3 ? true : undefined;
    }, '3 replayed');
    expect(contents.some((c) => c.equals(BINARY))).toBe(true);
  });

  it('a return (the origin queue was deleted) is a failure and the dead letter stays', async () => {
    await deadLetter(gone, Buffer.from('{"lost":true}'), 'm-gone');
    await waitFor(async () => ((await depth(dlq)) === 1 ? true : undefined), 'dead-lettered from gone');
    await channel.deleteQueue(gone);
    const outcome = await replayRabbitDlq(connection, dlq, { count: 10, target: null, dryRun: false, maxReplays: 3, force: false });
    expect(outcome).toMatchObject({ replayed: 0, failed: [{ id: 'm-gone', reason: expect.stringContaining('returned unroutable') }] });
    await waitFor(async () => ((await depth(dlq)) === 1 ? true : undefined), 'the dead letter stayed');
  });

  it('the connection cut between publish and confirm: outcome unknown, the dead letter stays', async () => {
    const url = new URL(AMQP_URL);
    const proxy = await CuttableProxy.start({ host: url.hostname, port: Number(url.port || 5672) });
    const viaProxy = await amqp.connect({ protocol: 'amqp', hostname: '127.0.0.1', port: proxy.port, username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) });
    viaProxy.on('error', () => undefined);
    // The same connection, whose confirm channel loses the link right after publishing, before the
    // confirm can come back (the sockets are destroyed synchronously inside cut()).
    const cutting = {
      createConfirmChannel: async () => {
        const ch: ConfirmChannel = await viaProxy.createConfirmChannel();
        const publish = ch.publish.bind(ch);
        ch.publish = (...args: Parameters<ConfirmChannel['publish']>) => {
          const written = publish(...args);
          void proxy.cut();
          return written;
        };
        return ch;
      },
    } as unknown as ChannelModel;
    const outcome = await replayRabbitDlq(cutting, dlq, { count: 10, target: work, dryRun: false, maxReplays: 3, force: false });
    expect(outcome.unknown).toBe(1);
    expect(outcome.failed[0]!.reason).toContain('outcome unknown');
    await waitFor(async () => ((await depth(dlq)) === 1 ? true : undefined), 'the unacknowledged dead letter returned to its queue');
  });
});

describe('RabbitMQ dead letters say why they died, in words', () => {
  const ns = uniqueNamespace('rwhy').replace(/:$/, '');
  const work = `${ns}.work`;
  const dlq = `${ns}.work.dlq`;
  const dlx = `${ns}.dlx`;
  let connection: ChannelModel;
  let channel: Channel;

  beforeAll(async () => {
    connection = await amqp.connect(AMQP_URL);
    channel = await connection.createChannel();
    await channel.assertExchange(dlx, 'direct', { durable: false });
    await channel.assertQueue(dlq, { durable: false });
    await channel.bindQueue(dlq, dlx, work);
    await channel.assertQueue(work, { durable: false, arguments: { 'x-dead-letter-exchange': dlx, 'x-dead-letter-routing-key': work, 'x-max-length': 2, 'x-overflow': 'drop-head' } });
  });
  afterAll(async () => {
    for (const q of [work, dlq]) await channel.deleteQueue(q).catch(() => undefined);
    await channel.deleteExchange(dlx).catch(() => undefined);
    await connection.close().catch(() => undefined);
  });

  it('names expiry, overflow and a rejection with what the consumer said', async () => {
    // Expired: a per-message TTL ran out in the work queue.
    channel.sendToQueue(work, Buffer.from('{"a":1}'), { messageId: 'ttl', expiration: '1' });
    await waitFor(async () => ((await channel.checkQueue(dlq)).messageCount === 1 ? true : undefined), 'expired into the DLQ');
    // Overflow: a third message pushes the head out of a queue of two.
    for (const id of ['full-1', 'full-2', 'full-3']) channel.sendToQueue(work, Buffer.from('{}'), { messageId: id });
    await waitFor(async () => ((await channel.checkQueue(dlq)).messageCount === 2 ? true : undefined), 'overflowed into the DLQ');
    // A consumer that publishes its dead letter itself says why (as Watchfloor's workers do without a DLX).
    channel.sendToQueue(dlq, Buffer.from('{}'), { messageId: 'said', headers: { 'x-death': [{ queue: work, reason: 'rejected', count: 3, exchange: '', 'routing-keys': [work] }], [DEAD_LETTER_HEADERS.error]: 'schema: severity is not one of low, medium, high, critical', [DEAD_LETTER_HEADERS.attempts]: 3 } });
    await waitFor(async () => ((await channel.checkQueue(dlq)).messageCount === 3 ? true : undefined), 'three dead letters');

    const browse = await browseRabbitDlq(connection, dlq, 10, null);
    const byId = Object.fromEntries(browse.messages.map((m) => [m.messageId, m]));
    expect(byId.ttl).toMatchObject({ reason: 'expired', reasonText: `expired in ${work}: its TTL (message or queue) ran out before a consumer took it`, consumerError: null, attempts: null });
    expect(byId.ttl!.diedAt).toBeGreaterThan(Date.now() - 60_000);
    expect(byId['full-1']).toMatchObject({ reason: 'maxlen', reasonText: expect.stringContaining('the queue was full') });
    expect(byId.said).toMatchObject({ reason: 'rejected', reasonText: `rejected by a consumer of ${work} (nack/reject without requeue) ×3`, consumerError: 'schema: severity is not one of low, medium, high, critical', attempts: 3 });
  });
});
