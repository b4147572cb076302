import { describe, expect, it } from 'vitest';
import { AckBatcher } from '../../../electron/core/workers/rabbit/ack-batcher';

const fakeChannel = () => {
  const sent: string[] = [];
  return {
    sent,
    channel: {
      ack: (m: { fields: { deliveryTag: number } }, multiple?: boolean) => void sent.push(`ack ${m.fields.deliveryTag}${multiple ? ' multiple' : ''}`),
      nack: (m: { fields: { deliveryTag: number } }, multiple?: boolean, requeue?: boolean) => void sent.push(`nack ${m.fields.deliveryTag} multiple=${multiple} requeue=${requeue}`),
    } as never,
  };
};

describe('AckBatcher (at-least-once ack coalescing)', () => {
  it('acks a leading run of finished deliveries with one multiple ack', () => {
    const { sent, channel } = fakeChannel();
    const batcher = new AckBatcher(channel);
    for (const tag of [1, 2, 3]) batcher.track(tag);
    for (const tag of [3, 1, 2]) batcher.ack(tag);
    batcher.flush();
    expect(sent).toEqual(['ack 3 multiple']);
    expect(batcher.size).toBe(0);
  });

  it('never covers a delivery still in progress: finished ones behind it are acked singly', () => {
    const { sent, channel } = fakeChannel();
    const batcher = new AckBatcher(channel);
    for (const tag of [1, 2, 3, 4, 5]) batcher.track(tag);
    for (const tag of [1, 2, 4, 5]) batcher.ack(tag);
    batcher.flush();
    expect(sent).toEqual(['ack 2 multiple', 'ack 4', 'ack 5']);
    expect(batcher.size).toBe(1);
    batcher.ack(3);
    batcher.flush();
    expect(sent.at(-1)).toBe('ack 3 multiple');
  });

  it('nacks at once, without requeue and never multiple; the run continues past it', () => {
    const { sent, channel } = fakeChannel();
    const batcher = new AckBatcher(channel);
    for (const tag of [1, 2, 3]) batcher.track(tag);
    batcher.nack(2);
    batcher.ack(1);
    batcher.ack(3);
    batcher.flush();
    expect(sent).toEqual(['nack 2 multiple=false requeue=false', 'ack 3 multiple']);
  });

  it('flushes by itself within the event-loop turn', async () => {
    const { sent, channel } = fakeChannel();
    const batcher = new AckBatcher(channel);
    batcher.track(7);
    batcher.ack(7);
    expect(sent).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent).toEqual(['ack 7 multiple']);
  });
});
