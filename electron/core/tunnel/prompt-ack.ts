import type { Client, ClientChannel } from 'ssh2';

/** The parts of ssh2's (untyped) internals this module touches; checked at runtime, skipped when absent. */
interface ChannelInternals {
  incoming?: { window: number };
  outgoing?: { id: number; state: string };
  _client?: unknown;
}
interface ClientInternals {
  _sock?: NodeJS.EventEmitter;
  _protocol?: { channelWindowAdjust(id: number, amount: number): void };
}

/** ssh2's channel window (lib/Channel.js MAX_WINDOW), which a window adjust tops up to. */
const CHANNEL_WINDOW = 2 * 1024 * 1024;

/**
 * OpenSSH's sshd sets TCP_NODELAY on its client socket only when a session runs a command, never
 * for a forwarding-only connection: Nagle there holds a packet back until the previous one is
 * acknowledged, and this host's kernel delays that ACK (up to 40 ms on Linux) when it has nothing to
 * send. Measured through the tunnel: a reply after one of sshd's window adjusts, or the tail of a
 * reply over one SSH packet, waited ~40 ms. So, once per batch of bytes received on the SSH socket
 * (setImmediate), a channel window adjust is sent — what ssh2 sends anyway, only earlier, topping the
 * window up by what was consumed (0 is valid) — and the ACK rides on it at once.
 */
export function acknowledgePromptly(client: Client, channels: () => Iterable<ClientChannel>): void {
  const internals = client as unknown as ClientInternals;
  const sock = internals._sock;
  const protocol = internals._protocol;
  if (!sock || typeof protocol?.channelWindowAdjust !== 'function') return;
  let scheduled = false;
  const send = () => {
    scheduled = false;
    for (const channel of channels()) {
      const { incoming, outgoing, _client: owner } = channel as unknown as ChannelInternals;
      // Only a channel of this connection (an id of another one would be a protocol error).
      if (owner !== client || !incoming || !outgoing || outgoing.state !== 'open') continue;
      const amount = Math.max(0, CHANNEL_WINDOW - incoming.window);
      incoming.window += amount;
      protocol.channelWindowAdjust(outgoing.id, amount);
      return;
    }
  };
  sock.on('data', () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(send);
  });
}
