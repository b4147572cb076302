import { describe, expect, it } from 'vitest';
import { alarmsOf, usedPercent, type RabbitNode } from '../../shared/model/rabbit-broker';

const GiB = 1024 ** 3;
const node = (over: Partial<RabbitNode> = {}): RabbitNode => ({
  name: 'rabbit@a',
  running: true,
  memUsed: 2 * GiB,
  memLimit: 4 * GiB,
  memAlarm: false,
  diskFree: 40 * GiB,
  diskFreeLimit: 0.05 * GiB,
  diskAlarm: false,
  fdUsed: 40,
  fdTotal: 1024,
  uptimeMs: 1000,
  partitions: [],
  ...over,
});

describe('RabbitMQ node alarms in words', () => {
  it('says nothing for a healthy node', () => {
    expect(alarmsOf([node()])).toEqual([]);
  });
  it('names the node, the figures and that publishers are blocked, for memory and disk', () => {
    expect(alarmsOf([node({ memAlarm: true, memUsed: 4.2 * GiB })])).toEqual([{ node: 'rabbit@a', kind: 'memory', text: 'Memory alarm on rabbit@a (4.2 GiB used, high watermark 4.0 GiB): publishers are blocked' }]);
    expect(alarmsOf([node({ name: 'rabbit@b', diskAlarm: true, diskFree: 0.01 * GiB })])[0]).toMatchObject({ kind: 'disk', text: 'Disk alarm on rabbit@b (10.2 MiB free, limit 51.2 MiB): publishers are blocked' });
    expect(alarmsOf([node({ memAlarm: true, memUsed: null })])[0]!.text).toBe('Memory alarm on rabbit@a: publishers are blocked');
  });
  it('reports a stopped node alone and a partition', () => {
    expect(alarmsOf([node({ running: false, memAlarm: true })])).toEqual([{ node: 'rabbit@a', kind: 'down', text: 'rabbit@a is not running' }]);
    expect(alarmsOf([node({ partitions: ['rabbit@c'] })])[0]).toMatchObject({ kind: 'partition', text: 'rabbit@a cannot see rabbit@c (network partition)' });
  });
  it('gives a share of a limit, or null when unknown', () => {
    expect(usedPercent(1, 4)).toBe(25);
    expect(usedPercent(1, 3)).toBe(33.3);
    expect(usedPercent(null, 4)).toBeNull();
    expect(usedPercent(1, 0)).toBeNull();
  });
});
