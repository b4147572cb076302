import { addVerdict, checkRabbitEntry, emptyCheck } from './replay-check';
import type { ChannelModel, GetMessage, Message } from 'amqplib';
import { CodedError } from '../../../shared/contract/errors';
import { CONSUMER_ERROR_HEADERS, DEAD_LETTER_HEADERS, describeDeathReason, type RabbitDeadLetter, type RabbitReplayOutcome } from '../../../shared/model/rabbit-dlq';
import { previewOf } from '../brokers/payload-preview';
import { decryptPayload } from '../payload-crypto';
import { parseLineage } from '../../../shared/model/replay-lineage';
import { RABBIT_REPLAY_HEADERS, pipelinedReplay, type ReplayBy, type ReplayPlan } from './rabbit-replay';
import { text, xDeathOf } from './rabbit-death';

export { xDeathOf } from './rabbit-death';

export { RABBIT_REPLAY_HEADERS } from './rabbit-replay';

/** Browsing returns what it took at once; this is how many a browse may hold. */
export const MAX_BROWSE = 200;

function toDeadLetter(message: Message, position: number, previewBytes: number, payloadKey: Buffer | null): RabbitDeadLetter {
  const headers = (message.properties.headers ?? {}) as Record<string, unknown>;
  const deaths = xDeathOf(headers);
  const opened = payloadKey ? decryptPayload(message.content, payloadKey) : null;
  const payload = opened && 'plain' in opened ? { ...previewOf(opened.plain, previewBytes), decrypted: true } : { ...previewOf(message.content, previewBytes), ...(opened ? { decryptError: opened.error } : {}) };
  const other: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (k !== 'x-death') other[k] = previewOf(Buffer.from(typeof v === 'string' ? v : JSON.stringify(v) ?? ''), 512).preview;
  const newest = deaths[0];
  const said = CONSUMER_ERROR_HEADERS.map((h) => text(headers[h])).find((v) => v !== null && v !== '') ?? null;
  const attempts = Number(headers[DEAD_LETTER_HEADERS.attempts]);
  return {
    position,
    messageId: text(message.properties.messageId),
    originQueue: newest?.queue || null,
    reason: newest?.reason || null,
    reasonText: newest ? `${describeDeathReason(newest.reason, newest.queue)}${newest.count > 1 ? ` ×${newest.count}` : ''}` : null,
    consumerError: said === null ? null : previewOf(Buffer.from(said), 1024).preview,
    attempts: headers[DEAD_LETTER_HEADERS.attempts] !== undefined && Number.isFinite(attempts) ? attempts : null,
    diedAt: newest?.time ?? null,
    deaths: deaths.reduce((n, d) => n + d.count, 0),
    xDeath: deaths,
    replayCount: Number(headers[RABBIT_REPLAY_HEADERS.count] ?? 0) || 0,
    ...(headers[RABBIT_REPLAY_HEADERS.lineage] !== undefined ? { lineage: parseLineage(text(headers[RABBIT_REPLAY_HEADERS.lineage]) ?? '') } : {}),
    redelivered: message.fields.redelivered,
    contentType: text(message.properties.contentType),
    payload,
    headers: other,
  };
}

/**
 * Looks at the head of a RabbitMQ dead-letter queue WITHOUT consuming it: takes up to `count`
 * messages unacknowledged on a channel of its own, then rejects them all with requeue, which
 * puts them back in their places. Side effects, said plainly in the result: the messages are
 * briefly invisible to consumers and come back marked redelivered.
 */
export async function browseRabbitDlq(connection: ChannelModel, queue: string, count: number, payloadKey: Buffer | null): Promise<{ queue: string; messageCount: number; messages: RabbitDeadLetter[]; note: string }> {
  const channel = await connection.createChannel();
  channel.on('error', () => undefined);
  try {
    const { messageCount } = await channel.checkQueue(queue).catch((error: Error) => {
      throw new CodedError('NOT_FOUND', `no queue "${queue}" (${error.message})`);
    });
    const taken: GetMessage[] = [];
    for (let i = 0; i < Math.min(count, MAX_BROWSE); i++) {
      const message = await channel.get(queue, { noAck: false });
      if (!message) break;
      taken.push(message);
    }
    if (taken.length) channel.nack(taken[taken.length - 1]!, true, true);
    return {
      queue,
      messageCount,
      messages: taken.map((m, i) => toDeadLetter(m, i + 1, 16 * 1024, payloadKey)),
      note: `Browsing took the first ${taken.length} messages without acknowledging them and put them straight back: they were invisible to consumers for a moment and are now marked redelivered. Nothing was removed.`,
    };
  } finally {
    await channel.close().catch(() => undefined);
  }
}

/**
 * One message of a DLQ's head as {@link browseRabbitDlq} showed it (the reveal): the one at
 * `position` when its message id is `messageId`; else, when there is an id, the first with it in
 * the head (the queue moved). Browsed the same way: taken unacknowledged and put back.
 */
export async function findRabbitDeadLetter(connection: ChannelModel, queue: string, position: number, messageId: string | null, payloadKey: Buffer | null): Promise<RabbitDeadLetter> {
  const near = await browseRabbitDlq(connection, queue, position, payloadKey);
  const there = near.messages[position - 1];
  if (there && there.messageId === messageId) return there;
  const found = messageId === null ? undefined : (await browseRabbitDlq(connection, queue, MAX_BROWSE, payloadKey)).messages.find((m) => m.messageId === messageId);
  if (found) return found;
  const which = messageId === null ? `the message without an id at #${position}` : `message ${messageId}`;
  throw new CodedError('NOT_FOUND', `${which} is no longer in the head of ${queue} (replayed, consumed or moved): look again`);
}

/** Where a dead letter of `queue` goes (its x-death origin or `target`), or why the loop guard or a missing origin refuses it. */
export function planRabbitReplay(queue: string, options: { target: string | null; maxReplays: number; force: boolean }): (message: Message) => ReplayPlan {
  return (message) => {
    const headers = (message.properties.headers ?? {}) as Record<string, unknown>;
    const replays = Number(headers[RABBIT_REPLAY_HEADERS.count] ?? 0) || 0;
    const target = options.target ?? (xDeathOf(headers)[0]?.queue || null);
    if (!target) return { target, refused: 'no x-death origin recorded: give a target queue' };
    if (target === queue) return { target, refused: 'the target is the dead-letter queue itself' };
    if (replays >= options.maxReplays && !options.force) return { target, refused: `replayed ${replays} times already (loop guard): force to replay again` };
    return { target, refused: null };
  };
}

/**
 * Replays up to `count` dead letters from the head of the queue, to the queue each died in (its
 * first `x-death` entry) or to `target`, through the default exchange: a confirm channel,
 * `mandatory` set; the dead letter is acknowledged only after the broker confirmed the copy
 * (pipelined, a window of copies in flight: `pipelinedReplay`). A basic.return (target queue
 * missing) or a nack (target full) is a failure and the dead letter is put back. If the connection
 * is lost before the confirms arrive, the outcome of those messages is reported as unknown — the
 * broker returns the unacknowledged dead letters to the queue, a copy may or may not exist — never
 * guessed. A dry run takes the head unacknowledged, checks it and puts it all back.
 */
export async function replayRabbitDlq(
  connection: ChannelModel,
  queue: string,
  options: { count: number; target: string | null; dryRun: boolean; maxReplays: number; force: boolean; namespace?: string; by?: ReplayBy },
): Promise<RabbitReplayOutcome> {
  const plan = planRabbitReplay(queue, options);
  if (!options.dryRun) return pipelinedReplay(connection, queue, options.count, plan, options.by);
  const channel = await connection.createChannel();
  channel.on('error', () => undefined);
  const outcome: RabbitReplayOutcome = { queue, dryRun: true, matched: 0, replayed: 0, failed: [], unknown: 0, targets: {} };
  try {
    await channel.checkQueue(queue).catch((error: Error) => {
      throw new CodedError('NOT_FOUND', `no queue "${queue}" (${error.message})`);
    });
    const taken: GetMessage[] = [];
    for (let i = 0; i < options.count; i++) {
      const message = await channel.get(queue, { noAck: false });
      if (!message) break;
      taken.push(message);
    }
    outcome.matched = taken.length;
    // The event check (issue 21.7): what the target's consumer would do with each message.
    const check = emptyCheck();
    taken.forEach((message, index) => {
      const id = message.properties.messageId ?? `#${index + 1}`;
      const planned = plan(message);
      if (planned.refused !== null) outcome.failed.push({ id, reason: planned.refused });
      else {
        outcome.targets[planned.target] = (outcome.targets[planned.target] ?? 0) + 1;
        addVerdict(check, id, checkRabbitEntry(planned.target, message.content, { namespace: options.namespace ?? '' }));
      }
    });
    outcome.check = check;
    outcome.replayed = taken.length - outcome.failed.length;
    if (taken.length) channel.nack(taken[taken.length - 1]!, true, true);
    return outcome;
  } finally {
    await channel.close().catch(() => undefined);
  }
}
