import { randomUUID } from 'node:crypto';
import type { ChannelModel, ConfirmChannel, ConsumeMessage, Message } from 'amqplib';
import { CodedError } from '../../../shared/contract/errors';
import { CONSUMER_ERROR_HEADERS, DEAD_LETTER_HEADERS, type RabbitReplayOutcome } from '../../../shared/model/rabbit-dlq';
import { appendLineage, capText, type StoredStep } from '../../../shared/model/replay-lineage';
import { text, xDeathOf } from './rabbit-death';

/** Headers the console sets on a replayed message (the loop guard counts them). */
export const RABBIT_REPLAY_HEADERS = { count: 'x-replay-count', of: 'x-replay-of', id: 'x-watchfloor-replay-id', lineage: 'x-replay-lineage' } as const;

/** At most this many copies are published and not yet confirmed at any time (and as many dead letters held). */
export const REPLAY_WINDOW = 1000;

/** How often an idle replay asks the broker whether the queue ran dry (someone else took its messages). */
const IDLE_CHECK_MS = 200;

/** AMQP's prefetch count is a short. */
const MAX_PREFETCH = 65_535;

/** What a dead letter is copied to, or why it is not copied at all. */
export type ReplayPlan = { target: string; refused: null } | { target: string | null; refused: string };

/** Where a dead letter goes and whether the loop guard or a missing origin refuses it. */
export type PlanReplay = (message: Message) => ReplayPlan;

type Slot = { message: ConsumeMessage; replayId: string; target: string | null; state: 'pending' | 'ok' | 'failed' | 'unknown'; reason?: string };

/** Who replays and, for a job, which: written into each copy's lineage step. */
export interface ReplayBy {
  who: string;
  at: string;
  job?: string;
}

/** The dead-lettering of a message as one lineage step: which queue it died into, from where, why, when. */
function lineageStep(message: Message, queue: string, by: ReplayBy): StoredStep {
  const headers = (message.properties.headers ?? {}) as Record<string, unknown>;
  const death = xDeathOf(headers)[0];
  const said = CONSUMER_ERROR_HEADERS.map((h) => text(headers[h])).find((v) => v !== null && v !== '');
  const attempts = text(headers[DEAD_LETTER_HEADERS.attempts]);
  return {
    dlq: queue,
    dlq_id: message.properties.messageId ? String(message.properties.messageId) : '(no message id)',
    ...(message.properties.messageId ? { dlq_origin_id: String(message.properties.messageId) } : {}),
    ...(death?.queue ? { dlq_origin_stream: death.queue } : {}),
    ...(said || death ? { dlq_error: capText(said ?? `${death!.reason}${death!.count > 1 ? ` ×${death!.count}` : ''}`) } : {}),
    ...(attempts ? { dlq_attempts: attempts } : {}),
    ...(death?.time ? { dlq_failed_at: new Date(death.time).toISOString() } : {}),
    replayed_at: by.at,
    replayed_by: by.who,
    ...(by.job ? { replay_job: by.job } : {}),
  };
}

/**
 * The headers of the copy: the death chain dropped, the replay marks added, and — when `by` is
 * given — this replay appended to its `x-replay-lineage` (the JSON array Redis entries carry in
 * `replay_lineage`), so the chain original → dead-lettered → replayed → dead-lettered again
 * survives the death chain being dropped.
 */
export function copyHeaders(message: Message, queue: string, replayId: string, by?: ReplayBy): Record<string, unknown> {
  const { ['x-death']: _death, ['x-first-death-exchange']: _fe, ['x-first-death-queue']: _fq, ['x-first-death-reason']: _fr, ['x-last-death-exchange']: _le, ['x-last-death-queue']: _lq, ['x-last-death-reason']: _lr, ...kept } = (message.properties.headers ?? {}) as Record<string, unknown>;
  const replays = Number(kept[RABBIT_REPLAY_HEADERS.count] ?? 0) || 0;
  const lineage = by ? { [RABBIT_REPLAY_HEADERS.lineage]: appendLineage(text(kept[RABBIT_REPLAY_HEADERS.lineage]), lineageStep(message, queue, by)) } : {};
  return { ...kept, [RABBIT_REPLAY_HEADERS.count]: replays + 1, [RABBIT_REPLAY_HEADERS.of]: queue, [RABBIT_REPLAY_HEADERS.id]: replayId, ...lineage };
}

/**
 * Copies up to `count` dead letters from the head of `queue` and removes each only after the broker
 * confirmed its copy — pipelined: a consumer with a prefetch of REPLAY_WINDOW feeds a confirm channel,
 * so up to a window of copies are in flight, instead of one `basic.get` round trip per message.
 *
 * - A dead letter is acknowledged only when its copy's confirm came back positive and no basic.return
 *   named it (RabbitMQ sends the return before the confirm); acks go out in delivery order.
 * - A nacked copy (the target refused it, e.g. a full queue with `reject-publish`), a returned one, or a
 *   refused plan is a failure: its dead letter is held unacknowledged until the end, then put back
 *   with requeue (after the consumer is cancelled, so it is not delivered to us again). Held dead
 *   letters take prefetch slots, so past half a window of them the consumer is re-opened with a
 *   larger prefetch and the flow never stalls.
 * - The channel closing (connection lost) makes every pending copy "unknown": the broker requeues
 *   their dead letters itself; a copy may or may not exist. Nothing is guessed.
 * - The quota is `min(count, ready messages at start)`; if other consumers drain the queue meanwhile,
 *   an idle replay stops once the broker reports it empty. Deliveries past the quota are put back.
 */
export async function pipelinedReplay(connection: ChannelModel, queue: string, count: number, plan: PlanReplay, by?: ReplayBy): Promise<RabbitReplayOutcome> {
  const channel: ConfirmChannel = await connection.createConfirmChannel();
  const outcome: RabbitReplayOutcome = { queue, dryRun: false, matched: 0, replayed: 0, failed: [], unknown: 0, targets: {} };
  const returned = new Set<string>();
  channel.on('return', (message: Message) => {
    const id = (message.properties.headers as Record<string, unknown> | undefined)?.[RABBIT_REPLAY_HEADERS.id];
    if (id !== undefined && id !== null) returned.add(Buffer.isBuffer(id) ? id.toString('utf8') : String(id));
  });
  const closed: { error: Error | null } = { error: null };
  let wake: () => void = () => undefined;
  channel.on('error', (error: Error) => (closed.error ??= error));
  channel.on('close', () => {
    closed.error ??= new Error('the channel closed');
    wake();
  });

  const slots: Slot[] = [];
  let head = 0;
  const held: ConsumeMessage[] = [];
  const beyondQuota: ConsumeMessage[] = [];
  let quota = 0;
  let consumerTag: string | null = null;
  let cancelsInFlight = 0;
  let prefetch = 0;
  let isWidening = false;
  let isServerCancelled = false;
  let lastDelivery = Date.now();

  const safely = (send: () => void) => {
    try {
      if (!closed.error) send();
    } catch (error) {
      closed.error ??= error as Error;
    }
  };
  // Settles the head of the line in delivery order: acks the copied, holds the failed.
  const settle = () => {
    while (head < slots.length && slots[head]!.state !== 'pending') {
      const slot = slots[head]!;
      const id = slot.message.properties.messageId ?? slot.replayId;
      if (slot.state === 'ok' && closed.error) {
        // The copy was confirmed but the dead letter can no longer be removed: the broker requeues it.
        outcome.failed.push({ id, reason: `copied to "${slot.target}", but the channel closed before the dead letter was removed: it stays, and the copy is a duplicate` });
      } else if (slot.state === 'ok') {
        safely(() => channel.ack(slot.message));
        outcome.replayed++;
        outcome.targets[slot.target!] = (outcome.targets[slot.target!] ?? 0) + 1;
      } else if (slot.state === 'failed') {
        outcome.failed.push({ id, reason: slot.reason ?? 'failed' });
        held.push(slot.message);
      } else {
        outcome.unknown++;
      }
      slots[head] = undefined as unknown as Slot; // released: the content is not kept past its ack
      head++;
    }
    maybeWiden();
    wake();
  };
  const open = async (size: number) => {
    prefetch = size;
    await channel.prefetch(size);
    consumerTag = (await channel.consume(queue, onDelivery, { noAck: false })).consumerTag;
  };
  const cancel = async () => {
    const tag = consumerTag;
    consumerTag = null;
    if (!tag || closed.error) return;
    // Until cancel-ok, deliveries may still arrive; the loop waits for it before settling up.
    cancelsInFlight++;
    await channel
      .cancel(tag)
      .catch((error: Error) => void (closed.error ??= error))
      .finally(() => cancelsInFlight--);
  };
  // Held dead letters keep their prefetch slots; re-open the consumer before they fill the window.
  const maybeWiden = () => {
    if (isWidening || closed.error || !consumerTag || prefetch >= Math.min(quota, MAX_PREFETCH) || slots.length >= quota || held.length <= prefetch - REPLAY_WINDOW / 2) return;
    isWidening = true;
    void cancel()
      .then(() => (closed.error || isServerCancelled || slots.length >= quota ? undefined : open(Math.min(MAX_PREFETCH, quota, held.length + REPLAY_WINDOW))))
      .catch((error: Error) => void (closed.error ??= error))
      .finally(() => {
        isWidening = false;
        wake();
      });
  };
  function onDelivery(message: ConsumeMessage | null): void {
    if (!message) {
      isServerCancelled = true; // the queue was deleted under us
      consumerTag = null;
      wake();
      return;
    }
    lastDelivery = Date.now();
    if (slots.length >= quota) {
      beyondQuota.push(message);
      return;
    }
    const replayId = randomUUID();
    const { target, refused } = plan(message);
    const slot: Slot = { message, replayId, target, state: 'pending' };
    slots.push(slot);
    outcome.matched++;
    if (refused) {
      slot.state = 'failed';
      slot.reason = refused;
      settle();
      return;
    }
    safely(() =>
      channel.publish('', target!, message.content, { ...message.properties, headers: copyHeaders(message, queue, replayId, by), mandatory: true, persistent: true }, (error: Error | null) => {
        // amqplib calls back with 'message nacked' for a broker nack, and with another error for every
        // pending confirm when the channel closes (before our own 'close' listener runs).
        if (error && error.message !== 'message nacked') closed.error ??= error;
        if (closed.error) slot.state = 'unknown';
        else if (error) Object.assign(slot, { state: 'failed', reason: `the broker refused the copy for "${target}" (nack, e.g. the queue is full): the dead letter stays` });
        else if (returned.delete(replayId)) Object.assign(slot, { state: 'failed', reason: `returned unroutable: no queue "${target}" (the dead letter stays)` });
        else slot.state = 'ok';
        settle();
      }),
    );
    if (slots.length >= quota) void cancel().then(wake);
  }

  try {
    const { messageCount } = await channel.checkQueue(queue).catch((error: Error) => {
      throw new CodedError('NOT_FOUND', `no queue "${queue}" (${error.message})`);
    });
    quota = Math.min(count, messageCount);
    if (quota > 0) await open(Math.min(quota, REPLAY_WINDOW));
    // Waits for the quota (or a dry queue) and every confirm; the channel closing ends it at once.
    for (;;) {
      if (closed.error) break;
      const isDone = slots.length >= quota || isServerCancelled;
      if (isDone && !consumerTag && !cancelsInFlight && !isWidening && head === slots.length) break;
      if (isDone && consumerTag) {
        await cancel();
        continue;
      }
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, IDLE_CHECK_MS);
      });
      clearTimeout(timer);
      wake = () => undefined;
      if (!isDone && head === slots.length && !isWidening && Date.now() - lastDelivery >= IDLE_CHECK_MS && !closed.error) {
        const ready = await channel.checkQueue(queue).then((q) => q.messageCount, () => 0);
        if (ready === 0 && Date.now() - lastDelivery >= IDLE_CHECK_MS) quota = slots.length;
      }
    }
    if (closed.error) {
      for (let i = head; i < slots.length; i++) if (slots[i]!.state === 'pending') slots[i]!.state = 'unknown';
      settle();
      if (outcome.unknown) outcome.failed.push({ id: '*', reason: `outcome unknown for ${outcome.unknown} messages: ${closed.error.message}` });
    }
    for (const message of [...held, ...beyondQuota]) safely(() => channel.nack(message, false, true));
    return outcome;
  } finally {
    await channel.close().catch(() => undefined);
  }
}
