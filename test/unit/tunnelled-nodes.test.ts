import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseNodeKey, tunnelNatMap } from '../../electron/core/tunnel/tunnelled-nodes';
import { SshTunnel } from '../../electron/core/tunnel/ssh-tunnel';
import { Redactor } from '../../electron/core/redaction';

/** Whether a loopback port accepts a connection and what happens then. */
function knock(port: number): Promise<'closed' | 'refused'> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED' ? 'refused' : 'closed'));
    socket.on('close', () => resolve('closed'));
  });
}

describe('Redis nodes through an SSH tunnel (natMap)', () => {
  const tunnels: SshTunnel[] = [];
  afterEach(async () => {
    await Promise.all(tunnels.splice(0).map((t) => t.close()));
  });
  // An SSH server nobody listens at: these tests only use the loopback listeners, never the connection.
  const tunnel = () => {
    const created = new SshTunnel({ host: '127.0.0.1', port: 1, user: 'ops', auth: 'agent' }, { redactor: new Redactor(), knownHostsFile: null });
    tunnels.push(created);
    return created;
  };

  it('parses the node keys ioredis writes, IPv6 included', () => {
    expect(parseNodeKey('10.0.0.5:7000')).toEqual({ host: '10.0.0.5', port: 7000 });
    expect(parseNodeKey('fd00::1:6379')).toEqual({ host: 'fd00::1', port: 6379 });
    expect(parseNodeKey('[fd00::1]:6379')).toEqual({ host: 'fd00::1', port: 6379 });
    expect(parseNodeKey('redis-0.internal:6380')).toEqual({ host: 'redis-0.internal', port: 6380 });
    expect(parseNodeKey('nonsense')).toBeNull();
    expect(parseNodeKey('host:0')).toBeNull();
  });

  it('hands out a spare listener synchronously for a node never seen, the same one again, and refills', async () => {
    const t = tunnel();
    const refusedPort = await t.reserveSpares(2);
    const seed = await t.forward('10.0.0.5', 7000);
    const map = tunnelNatMap({ tunnelId: t.id, forwarders: t.forwardedPorts, refusedPort });
    expect(map('10.0.0.5:7000')).toEqual({ host: '127.0.0.1', port: seed });
    const fresh = map('10.0.0.6:7001');
    expect(fresh.host).toBe('127.0.0.1');
    expect([seed, refusedPort]).not.toContain(fresh.port);
    expect(map('10.0.0.6:7001')).toEqual(fresh);
    expect(t.forwardedPorts).toEqual({ '10.0.0.5:7000': seed, '10.0.0.6:7001': fresh.port });
    // Spares are bound again behind the one handed out: two more new nodes get their own at once.
    await t.reserveSpares(2);
    const [a, b] = [map('10.0.0.7:7002').port, map('10.0.0.8:7003').port];
    expect(new Set([seed, fresh.port, a, b, refusedPort]).size).toBe(5);
  });

  it('a node with no forwarder ready goes to the refusing listener, never to its own address; the next lookup has one', async () => {
    const t = tunnel();
    const refusedPort = await t.reserveSpares(0);
    const map = tunnelNatMap({ tunnelId: t.id, forwarders: t.forwardedPorts, refusedPort });
    expect(map('10.0.0.9:7000')).toEqual({ host: '127.0.0.1', port: refusedPort });
    expect(await knock(refusedPort)).toBe('closed');
    // Opened in the background for the client's next attempt.
    await t.forward('10.0.0.9', 7000);
    expect(map('10.0.0.9:7000').port).toBe(t.forwardedPorts['10.0.0.9:7000']);
    expect(map('10.0.0.9:7000').port).not.toBe(refusedPort);
  });

  it('a copy of the settings without the live tunnel (a worker thread) maps with the forwarders it was given', async () => {
    const t = tunnel();
    const refusedPort = await t.reserveSpares(1);
    const port = await t.forward('10.0.0.5', 7000);
    const copy = structuredClone({ tunnelId: 'another-thread', forwarders: t.forwardedPorts, refusedPort });
    const map = tunnelNatMap(copy);
    expect(map('10.0.0.5:7000')).toEqual({ host: '127.0.0.1', port });
    expect(map('10.0.0.6:7000')).toEqual({ host: '127.0.0.1', port: refusedPort });
  });

  it('closing the tunnel closes its spares and the refusing listener', async () => {
    const t = tunnel();
    const refusedPort = await t.reserveSpares(1);
    const map = tunnelNatMap({ tunnelId: t.id, forwarders: t.forwardedPorts, refusedPort });
    const handedOut = map('10.0.0.5:7000').port;
    await t.close();
    expect(await knock(refusedPort)).toBe('refused');
    expect(await knock(handedOut)).toBe('refused');
  });
});
