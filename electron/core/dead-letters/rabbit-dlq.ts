import { randomUUID } from 'node:crypto';
import { addVerdict, checkRabbitEntry, emptyCheck } from './replay-check';
import type { ChannelModel, ConfirmChannel, GetMessage, Message } from 'amqplib';
import { CodedError } from '../../../shared/contract/errors';
import { CONSUMER_ERROR_HEADERS, DEAD_LETTER_HEADERS, describeDeathReason, type RabbitDeadLetter, type RabbitReplayOutcome, type XDeath } from '../../../shared/model/rabbit-dlq';
import { previewOf } from '../brokers/payload-preview';
import { decryptPayload } from '../payload-crypto';

/** Headers the console sets on a replayed message (the loop guard counts them). */
export const RABBIT_REPLAY_HEADERS = { count: 'x-replay-count', of: 'x-replay-of', id: 'x-watchfloor-replay-id' } as const;

/** Browsing returns what it took at once; this is how many a browse may hold. */
export const MAX_BROWSE = 200;

function text(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return String(value);
}

/** The `x-death` chain of a dead-lettered message, newest death first (RabbitMQ's order). */
export function xDeathOf(headers: Record<string, unknown> | undefined): XDeath[] {
  const raw = headers?.['x-death'];
  if (!Array.isArray(raw)) return [];
  return raw.map((d: Record<string, unknown>) => ({
    queue: text(d.queue) ?? '',
    reason: text(d.reason) ?? '',
    count: Number(d.count ?? 1),
    exchange: text(d.exchange) ?? '',
    routingKeys: Array.isArray(d['routing-keys']) ? (d['routing-keys'] as unknown[]).map((k) => text(k) ?? '') : [],
    time: d.time instanceof Date ? d.time.getTime() : typeof d.time === 'object' && d.time && 'value' in d.time ? Number((d.time as { value: number }).value) * 1000 : null,
  }));
}

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
 * Replays up to `count` dead letters from the head of the queue, to the queue each died in (its
 * first `x-death` entry) or to `target`, through the default exchange: a confirm channel,
 * `mandatory` set; the dead letter is acknowledged only after the broker confirmed the copy.
 * A basic.return (target queue missing) is a failure and the dead letter is put back. If the
 * connection is lost before the confirms arrive, the outcome of those messages is reported as
 * unknown — the broker returns the unacknowledged dead letters to the queue, a copy may or may
 * not exist — never guessed.
 */
export async function replayRabbitDlq(
  connection: ChannelModel,
  queue: string,
  options: { count: number; target: string | null; dryRun: boolean; maxReplays: number; force: boolean; namespace?: string },
): Promise<RabbitReplayOutcome> {
  const channel: ConfirmChannel = await connection.createConfirmChannel();
  const returned = new Set<string>();
  channel.on('return', (message: Message) => {
    const id = text((message.properties.headers as Record<string, unknown> | undefined)?.[RABBIT_REPLAY_HEADERS.id]);
    if (id) returned.add(id);
  });
  const closed: { error: Error | null } = { error: null };
  channel.on('error', (error: Error) => (closed.error = error));
  channel.on('close', () => (closed.error ??= new Error('the channel closed')));
  const outcome: RabbitReplayOutcome = { queue, dryRun: options.dryRun, matched: 0, replayed: 0, failed: [], unknown: 0, targets: {} };
  const taken: { message: GetMessage; replayId: string; target: string | null; refused: string | null }[] = [];
  try {
    await channel.checkQueue(queue).catch((error: Error) => {
      throw new CodedError('NOT_FOUND', `no queue "${queue}" (${error.message})`);
    });
    for (let i = 0; i < options.count; i++) {
      const message = await channel.get(queue, { noAck: false });
      if (!message) break;
      const headers = { ...((message.properties.headers ?? {}) as Record<string, unknown>) };
      const deaths = xDeathOf(headers);
      const replays = Number(headers[RABBIT_REPLAY_HEADERS.count] ?? 0) || 0;
      const target = options.target ?? (deaths[0]?.queue || null);
      const refused = !target ? 'no x-death origin recorded: give a target queue' : target === queue ? 'the target is the dead-letter queue itself' : replays >= options.maxReplays && !options.force ? `replayed ${replays} times already (loop guard): force to replay again` : null;
      taken.push({ message, replayId: randomUUID(), target, refused });
    }
    outcome.matched = taken.length;
    if (options.dryRun) {
      // The event check (issue 21.7): what the target's consumer would do with each message.
      const check = emptyCheck();
      for (const t of taken) {
        const id = t.message.properties.messageId ?? `#${taken.indexOf(t) + 1}`;
        if (t.refused) outcome.failed.push({ id, reason: t.refused });
        else {
          outcome.targets[t.target!] = (outcome.targets[t.target!] ?? 0) + 1;
          addVerdict(check, id, checkRabbitEntry(t.target!, t.message.content, { namespace: options.namespace ?? '' }));
        }
      }
      outcome.check = check;
      outcome.replayed = taken.length - outcome.failed.length;
      if (taken.length) channel.nack(taken[taken.length - 1]!.message, true, true);
      return outcome;
    }
    const published: typeof taken = [];
    for (const t of taken) {
      if (t.refused) continue;
      const { ['x-death']: _death, ['x-first-death-exchange']: _fe, ['x-first-death-queue']: _fq, ['x-first-death-reason']: _fr, ['x-last-death-exchange']: _le, ['x-last-death-queue']: _lq, ['x-last-death-reason']: _lr, ...kept } = (t.message.properties.headers ?? {}) as Record<string, unknown>;
      const replays = Number(kept[RABBIT_REPLAY_HEADERS.count] ?? 0) || 0;
      channel.publish('', t.target!, t.message.content, {
        ...t.message.properties,
        headers: { ...kept, [RABBIT_REPLAY_HEADERS.count]: replays + 1, [RABBIT_REPLAY_HEADERS.of]: queue, [RABBIT_REPLAY_HEADERS.id]: t.replayId },
        mandatory: true,
        persistent: true,
      });
      published.push(t);
    }
    try {
      await channel.waitForConfirms();
    } catch (error) {
      // Nacked by the broker or the channel/connection died: nothing is acknowledged; the broker
      // requeues the dead letters; whether copies exist is not known.
      outcome.unknown = published.length;
      outcome.failed.push({ id: '*', reason: `outcome unknown for ${published.length} messages: ${(error as Error | undefined)?.message ?? closed.error?.message ?? 'no confirm'}` });
      return outcome;
    }
    for (const t of taken) {
      const id = t.message.properties.messageId ?? t.replayId;
      if (t.refused) {
        outcome.failed.push({ id, reason: t.refused });
        channel.nack(t.message, false, true);
      } else if (returned.has(t.replayId)) {
        outcome.failed.push({ id, reason: `returned unroutable: no queue "${t.target}" (the dead letter stays)` });
        channel.nack(t.message, false, true);
      } else {
        channel.ack(t.message);
        outcome.replayed++;
        outcome.targets[t.target!] = (outcome.targets[t.target!] ?? 0) + 1;
      }
    }
    return outcome;
  } finally {
    await channel.close().catch(() => undefined);
  }
}
