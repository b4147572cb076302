import { describe, expect, it } from 'vitest';
import { QUEUE_COLUMNS, toQueueInfo } from '../../electron/core/brokers/rabbitmq/management-client';
import { QueueHistoryStore } from '../../electron/core/monitor/queue-history';
import { queue } from './renderer/fixtures';

describe('toQueueInfo', () => {
  it('reads the publish, deliver_get and ack rates from message_stats', () => {
    const info = toQueueInfo({
      name: 'q.dlq',
      messages_ready: 5,
      messages_unacknowledged: 2,
      consumers: 1,
      message_stats: { publish_details: { rate: 3.2 }, deliver_get_details: { rate: 1.5 }, ack_details: { rate: 0 } },
    });
    expect(info).toEqual({ name: 'q.dlq', ready: 5, unacked: 2, consumers: 1, isDeadLetter: true, publishRate: 3.2, deliverRate: 1.5, ackRate: 0 });
  });

  it('gives null rates when RabbitMQ has no message_stats for the queue yet', () => {
    const info = toQueueInfo({ name: 'q', messages_ready: 0 });
    expect([info.publishRate, info.deliverRate, info.ackRate]).toEqual([null, null, null]);
    expect(info.unacked).toBe(0);
  });

  it('asks the API for the rate columns only, not the whole queue object', () => {
    expect(QUEUE_COLUMNS.split(',')).toContain('message_stats.deliver_get_details.rate');
    expect(QUEUE_COLUMNS).not.toContain('backing_queue_status');
  });
});

describe('QueueHistoryStore', () => {
  it('records ready, unacked, consumers and the rates per tick and downsamples them', () => {
    const store = new QueueHistoryStore(10);
    for (let t = 1; t <= 4; t++) store.record(t * 1000, [queue('q', t * 10, { unacked: t, consumers: 2, publishRate: t, deliverRate: null })]);
    const history = store.query('q', 4500, 60, 60);
    const series = Object.fromEntries(history.series.map((s) => [s.key, s.values.filter((v) => v !== null)]));
    expect(series.ready).toEqual([10, 20, 30, 40]);
    expect(series.unacked).toEqual([1, 2, 3, 4]);
    expect(series.consumers).toEqual([2, 2, 2, 2]);
    expect(series.publishRate).toEqual([1, 2, 3, 4]);
    expect(series.deliverRate).toEqual([]);
    expect(history.gone).toBe(false);
  });

  it('marks a queue gone only after it was seen, and live again when it comes back', () => {
    const store = new QueueHistoryStore(10);
    store.record(1000, [queue('q', 1)], ['never-seen']);
    expect(store.knows('never-seen')).toBe(false);
    store.record(2000, [], ['q']);
    expect(store.query('q', 2000, 60, 10).gone).toBe(true);
    store.record(3000, [queue('q', 0)]);
    expect(store.query('q', 3000, 60, 10).gone).toBe(false);
  });
});
