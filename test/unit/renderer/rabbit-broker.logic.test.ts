import { describe, expect, it } from 'vitest';
import type { RabbitConnection } from '../../../shared/model/rabbit-broker';
import { blockedFirst, connectionStateTone, rateText } from '../../../renderer/src/features/queues/rabbit-broker.logic';

const conn = (name: string, state: string, clientName: string | null = null): RabbitConnection => ({ name, state, clientName, user: 'u', vhost: '/', peer: 'h:1', product: null, channels: 0, recvBytesRate: null, sendBytesRate: null, connectedAt: null });

describe('RabbitMQ connections list', () => {
  it('puts blocked and blocking connections first, then named clients by name, unnamed last', () => {
    const sorted = blockedFirst([conn('a', 'running', 'zeta'), conn('b', 'running'), conn('c', 'blocking', 'pub'), conn('d', 'running', 'alpha'), conn('e', 'blocked', 'pub2')]);
    expect(sorted.map((c) => c.name)).toEqual(['e', 'c', 'd', 'a', 'b']);
  });
  it('colours states and writes byte rates', () => {
    expect([connectionStateTone('blocked'), connectionStateTone('blocking'), connectionStateTone('flow'), connectionStateTone('running')]).toEqual(['bad', 'bad', 'warn', '']);
    expect([rateText(null), rateText(0), rateText(2048)]).toEqual(['—', '0 B/s', '2.0 KiB/s']);
  });
});
