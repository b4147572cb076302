import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { Queue, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskLabel } from '../../shared/model/masking';
import { DEAD_LETTER_HEADERS } from '../../shared/model/rabbit-dlq';
import { AMQP_URL, REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { cleanupNamespace, createTestCore, type TestCore } from '../helpers/core';
import { waitFor } from '../helpers/wait';

/**
 * The audited reveal (issue 20) of a RabbitMQ DLQ message and of a BullMQ failed / `-dlq` job, on the
 * real brokers: operators and admins with a reason, both audit logs, a viewer refused, the stored
 * message never changed (the RabbitMQ one still in its place with the same bytes, the job's data as it was).
 */
describe('reveal of RabbitMQ and BullMQ dead letters', () => {
  const ns = uniqueNamespace('mask-rv');
  const rabbitDlq = `${ns.replace(/:$/, '')}.work.dlq`;
  const prefix = `${ns}bull`;
  const url = new URL(REDIS_URL);
  const connection = { host: url.hostname, port: Number(url.port || 6379) };
  const secret = { id: 'e-7', credentials: { user: 'svc', password: 'hunter2' }, contact: 'soc@corp.example.com' };
  const secretText = JSON.stringify(secret);
  let t: TestCore;
  let viewerId: string;
  let amqpConnection: ChannelModel;
  let channel: Channel;
  let orders: Queue;
  let ordersDlq: Queue;

  const lastSeq = async () => {
    const local = await t.core.call('audit.local', { count: 10_000 });
    return local.ok ? Math.max(0, ...local.value.entries.map((e) => e.seq)) : 0;
  };
  const revealsAfter = async (seq: number) => {
    const local = await t.core.call('audit.local', { count: 10_000 });
    if (!local.ok) throw new Error(local.error.message);
    return local.value.entries.filter((e) => e.seq > seq && e.action === 'payload.reveal');
  };
  const teamEntry = async (target: string) => {
    const team = await t.core.call('audit.team', { envId: t.envId, count: 100 });
    return team.ok ? team.value.find((e) => e.what === 'payload.reveal' && e.target === target) : undefined;
  };
  /** Every message of the RabbitMQ DLQ, taken and put back: id and bytes in order. */
  const rabbitContents = async () => {
    const taken = [];
    for (let m = await channel.get(rabbitDlq, { noAck: false }); m; m = await channel.get(rabbitDlq, { noAck: false })) taken.push(m);
    if (taken.length) channel.nackAll(true);
    return taken.map((m) => ({ id: m.properties.messageId as string, content: m.content.toString('base64') }));
  };

  beforeAll(async () => {
    amqpConnection = await amqp.connect(AMQP_URL);
    channel = await amqpConnection.createChannel();
    await channel.assertQueue(rabbitDlq, { durable: false });
    channel.sendToQueue(rabbitDlq, Buffer.from('{"n":0}'), { messageId: 'm-0' });
    channel.sendToQueue(rabbitDlq, Buffer.from(secretText), { messageId: 'm-secret', headers: { [DEAD_LETTER_HEADERS.error]: 'cannot mail soc@corp.example.com' } });
    await waitFor(async () => ((await channel.checkQueue(rabbitDlq)).messageCount === 2 ? true : undefined), '2 messages in the DLQ');

    orders = new Queue('orders', { connection, prefix });
    ordersDlq = new Queue('orders-dlq', { connection, prefix });
    await orders.add('charge', secret, { attempts: 1, jobId: 'job-secret' });
    const worker = new Worker('orders', async () => { throw new Error('declined for soc@corp.example.com'); }, { connection, prefix });
    await waitFor(async () => ((await orders.getFailedCount()) === 1 ? true : undefined), 'the failed job');
    await worker.close();
    await ordersDlq.add('charge', secret, { jobId: 'dlq-secret' });

    t = await createTestCore(ns);
    const added = await t.core.call('environments.add', { name: `viewer ${ns}`, namespace: ns, role: 'viewer', redis: { url: REDIS_URL }, amqp: { url: AMQP_URL } });
    if (!added.ok) throw new Error(added.error.message);
    viewerId = added.value.id;
    await t.core.startRuntimes([t.envId, viewerId]);
    await waitFor(async () => {
      const r = await t.core.call('dlq.bullSources', { envId: t.envId });
      return r.ok && r.value.length === 2 ? true : undefined;
    }, 'both BullMQ sources discovered', 20_000);
  });
  afterAll(async () => {
    await t?.close();
    await channel?.deleteQueue(rabbitDlq).catch(() => undefined);
    await amqpConnection?.close().catch(() => undefined);
    for (const q of [orders, ordersDlq]) {
      await q?.obliterate({ force: true }).catch(() => undefined);
      await q?.close();
    }
    await cleanupNamespace(ns);
  });

  it('a RabbitMQ DLQ message: browsed masked, a viewer refused, an operator reveals with a reason; the queue keeps the message, byte for byte', async () => {
    const before = await rabbitContents();
    const browse = await t.core.call('dlq.rabbitBrowse', { envId: viewerId, queue: rabbitDlq });
    if (!browse.ok) throw new Error(browse.error.message);
    const masked = browse.value.messages[1]!;
    expect(JSON.parse(masked.payload.preview)).toEqual({ id: 'e-7', credentials: maskLabel('credentials'), contact: maskLabel('email') });
    expect(masked.consumerError).toBe(`cannot mail ${maskLabel('email')}`);

    const refused = await t.core.call('payload.revealRabbitDeadLetter', { envId: viewerId, queue: rabbitDlq, position: 2, messageId: 'm-secret', reason: 'incident 9' });
    expect(!refused.ok && refused.error.code).toBe('UNAUTHORIZED');

    const seq = await lastSeq();
    const revealed = await t.core.call('payload.revealRabbitDeadLetter', { envId: t.envId, queue: rabbitDlq, position: 2, messageId: 'm-secret', reason: 'incident 9: who was mailed' });
    if (!revealed.ok) throw new Error(revealed.error.message);
    expect(revealed.value.message).toMatchObject({ position: 2, messageId: 'm-secret', consumerError: 'cannot mail soc@corp.example.com' });
    expect(revealed.value.message.payload.preview).toBe(secretText);
    expect(revealed.value.masked.sort()).toEqual(['**.credentials.**', 'email']);
    const target = `${rabbitDlq}/m-secret`;
    expect(await revealsAfter(seq)).toEqual([expect.objectContaining({ target, envId: t.envId, reason: 'incident 9: who was mailed', after: { revealed: expect.arrayContaining(['email']) } })]);
    expect(await teamEntry(target)).toMatchObject({ reason: 'incident 9: who was mailed' });
    expect(JSON.stringify(await revealsAfter(seq))).not.toContain('hunter2');
    expect(await rabbitContents()).toEqual(before);
  });

  it('a RabbitMQ reveal follows the message when the head moved, and says so when it is gone', async () => {
    const head = await waitFor(async () => (await channel.get(rabbitDlq, { noAck: false })) || undefined, 'the head');
    expect(head.properties.messageId).toBe('m-0');
    channel.ack(head);
    const moved = await t.core.call('payload.revealRabbitDeadLetter', { envId: t.envId, queue: rabbitDlq, position: 2, messageId: 'm-secret', reason: 'incident 9 again' });
    expect(moved.ok && moved.value.message).toMatchObject({ position: 1, messageId: 'm-secret' });
    const gone = await t.core.call('payload.revealRabbitDeadLetter', { envId: t.envId, queue: rabbitDlq, position: 1, messageId: 'm-0', reason: 'incident 9 again' });
    expect(!gone.ok && gone.error).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('look again') });
  });

  it('a BullMQ failed job and a -dlq job: listed masked, a viewer refused, an operator reveals; the job data unchanged', async () => {
    const listed = await t.core.call('dlq.bullList', { envId: t.envId, queue: 'orders', kind: 'failed' });
    if (!listed.ok) throw new Error(listed.error.message);
    expect(listed.value[0]!.data).not.toContain('hunter2');
    expect(listed.value[0]!.failedReason).toBe(`declined for ${maskLabel('email')}`);

    const refused = await t.core.call('payload.revealBullJob', { envId: viewerId, queue: 'orders', kind: 'failed', id: 'job-secret', reason: 'incident 10' });
    expect(!refused.ok && refused.error.code).toBe('UNAUTHORIZED');

    const seq = await lastSeq();
    const failed = await t.core.call('payload.revealBullJob', { envId: t.envId, queue: 'orders', kind: 'failed', id: 'job-secret', reason: 'incident 10: the card holder' });
    if (!failed.ok) throw new Error(failed.error.message);
    expect(JSON.parse(failed.value.job.data)).toEqual(secret);
    expect(failed.value.job.failedReason).toBe('declined for soc@corp.example.com');
    expect(failed.value.masked.sort()).toEqual(['**.credentials.**', 'email']);
    const dead = await t.core.call('payload.revealBullJob', { envId: t.envId, queue: 'orders-dlq', kind: 'dlq-queue', id: 'dlq-secret', reason: 'incident 10: the dlq copy' });
    expect(dead.ok && JSON.parse(dead.value.job.data)).toEqual(secret);
    expect((await revealsAfter(seq)).map((e) => [e.target, e.reason]).sort()).toEqual([
      ['orders-dlq/dlq-secret', 'incident 10: the dlq copy'],
      ['orders/job-secret', 'incident 10: the card holder'],
    ]);
    expect(await teamEntry('orders/job-secret')).toMatchObject({ reason: 'incident 10: the card holder' });
    expect((await orders.getJob('job-secret'))?.data).toEqual(secret);
    expect(await (await orders.getJob('job-secret'))?.getState()).toBe('failed');

    // Retried meanwhile: no longer a failed job to reveal.
    await (await orders.getJob('job-secret'))!.retry('failed');
    const retried = await t.core.call('payload.revealBullJob', { envId: t.envId, queue: 'orders', kind: 'failed', id: 'job-secret', reason: 'incident 10: once more' });
    expect(!retried.ok && retried.error).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('not failed any more') });
  });
});
