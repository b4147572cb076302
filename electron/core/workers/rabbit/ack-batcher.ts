import type { Channel, Message } from 'amqplib';

/**
 * Coalesces the acks of one channel, keeping at-least-once: tags are tracked in delivery order,
 * and once per event-loop turn the leading run of finished deliveries is acked with ONE
 * `multiple` ack (it covers only tags that are all done); finished deliveries behind one still
 * in progress (a retry, an unconfirmed publish) are acked one by one, so a slow message never
 * holds the prefetch window. A nack (dead-letter) goes out at once and never with `multiple`.
 */
export class AckBatcher {
  /** Delivery tag → done, in delivery (ascending tag) order. */
  private readonly tags = new Map<number, boolean>();
  private isScheduled = false;

  constructor(private readonly channel: Pick<Channel, 'ack' | 'nack'>) {}

  /** A delivery arrived: it must be settled before any `multiple` ack may cover it. */
  track(tag: number): void {
    this.tags.set(tag, false);
  }

  /** The delivery is done: acked at the next flush. */
  ack(tag: number): void {
    this.tags.set(tag, true);
    if (this.isScheduled) return;
    this.isScheduled = true;
    setImmediate(() => this.flush());
  }

  /** Rejects now, without requeue (the queue's DLX dead-letters it) unless told. Throws when the channel is closed. */
  nack(tag: number, requeue = false): void {
    this.tags.delete(tag);
    this.channel.nack(asMessage(tag), false, requeue);
  }

  /** Sends the pending acks now. Never throws: acks lost with a closed channel mean a redelivery. */
  flush(): void {
    this.isScheduled = false;
    let isLeading = true;
    let leadingTag = -1;
    const singles: number[] = [];
    for (const [tag, isDone] of this.tags) {
      if (!isDone) isLeading = false;
      else if (isLeading) leadingTag = tag;
      else singles.push(tag);
    }
    try {
      if (leadingTag >= 0) {
        for (const [tag] of this.tags) {
          if (tag > leadingTag) break;
          this.tags.delete(tag);
        }
        this.channel.ack(asMessage(leadingTag), true);
      }
      for (const tag of singles) {
        this.tags.delete(tag);
        this.channel.ack(asMessage(tag));
      }
    } catch {
      this.tags.clear();
    }
  }

  /** Deliveries tracked and not yet acked or nacked. */
  get size(): number {
    return this.tags.size;
  }
}

const asMessage = (deliveryTag: number) => ({ fields: { deliveryTag } }) as Message;
