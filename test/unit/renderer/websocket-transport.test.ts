import { describe, expect, it } from 'vitest';
import type { LinkEvent } from '../../../renderer/src/api/transport';
import { LOST_CONNECTION, createWebSocketTransport, type SocketLike } from '../../../renderer/src/api/websocket-transport';

class FakeSocket implements SocketLike {
  sent: unknown[] = [];
  closedWith: number | null = null;
  onopen: ((event: unknown) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {}
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close(code = 1000) {
    this.closedWith = code;
  }
  open() {
    this.onopen?.({});
  }
  receive(frame: unknown) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  drop(code = 1006) {
    this.onclose?.({ code });
  }
}

/** A transport wired to fake sockets and manual timers, so every step is explicit. */
function harness() {
  const sockets: FakeSocket[] = [];
  const timers: { run: () => void; ms: number; isCleared: boolean }[] = [];
  const events: LinkEvent[] = [];
  const transport = createWebSocketTransport({
    url: 'ws://127.0.0.1:1/rpc',
    token: 'tok',
    onLinkEvent: (event) => events.push(event),
    createSocket: (url, protocols) => {
      const socket = new FakeSocket(url, protocols);
      sockets.push(socket);
      return socket;
    },
    setTimer: (run, ms) => {
      const timer = { run, ms, isCleared: false };
      timers.push(timer);
      return timer;
    },
    clearTimer: (handle) => {
      (handle as { isCleared: boolean }).isCleared = true;
    },
    random: () => 1,
  });
  const last = () => sockets.at(-1)!;
  /** Fires the pending reconnection timer (the one not cleared with the largest index, not a call deadline). */
  const fireRetry = () => {
    const retry = timers.filter((timer) => !timer.isCleared && timer.ms <= 3000).at(-1);
    retry?.run();
  };
  return { transport, sockets, timers, events, last, fireRetry };
}

describe('websocket transport', () => {
  it('connects with the token in the sub-protocol', () => {
    const { last, events } = harness();
    expect(last().url).toBe('ws://127.0.0.1:1/rpc');
    expect(last().protocols).toEqual(['watchfloor.token.tok']);
    expect(events).toEqual([{ type: 'connecting', attempt: 0 }]);
  });

  it('queues calls made while connecting and sends them once open', async () => {
    const { transport, last } = harness();
    const answer = transport.call('environments.list', {});
    expect(last().sent).toEqual([]);
    last().open();
    expect(last().sent).toEqual([{ type: 'call', id: 1, method: 'environments.list', params: {} }]);
    last().receive({ type: 'result', id: 1, result: { ok: true, value: [] } });
    await expect(answer).resolves.toEqual({ ok: true, value: [] });
  });

  it('delivers events to the listeners of their topic until unsubscribed', () => {
    const { transport, last } = harness();
    const received: unknown[] = [];
    const unsubscribe = transport.on('demo.status', (payload) => received.push(payload));
    last().open();
    last().receive({ type: 'event', topic: 'demo.status', payload: { n: 1 } });
    last().receive({ type: 'event', topic: 'overview.tick', payload: { n: 2 } });
    unsubscribe();
    last().receive({ type: 'event', topic: 'demo.status', payload: { n: 3 } });
    expect(received).toEqual([{ n: 1 }]);
  });

  it('fails calls in flight when the socket drops, then reconnects with backoff', async () => {
    const { transport, last, sockets, events, fireRetry } = harness();
    last().open();
    const answer = transport.call('overview.get', {});
    last().drop(1006);
    await expect(answer).resolves.toEqual({ ok: false, error: LOST_CONNECTION });
    expect(events.at(-1)).toEqual({ type: 'closed', code: 1006, wasOpen: true, retryInMs: 250 });
    fireRetry();
    expect(sockets).toHaveLength(2);
    last().drop(1006);
    expect(events.at(-1)).toEqual({ type: 'closed', code: 1006, wasOpen: false, retryInMs: 500 });
    fireRetry();
    last().open();
    expect(events.at(-1)).toEqual({ type: 'open' });
  });

  it('stops retrying when the host rejects the token', async () => {
    const { transport, last, sockets, events, fireRetry } = harness();
    last().drop(4401);
    expect(events.at(-1)).toEqual({ type: 'closed', code: 4401, wasOpen: false, retryInMs: null });
    fireRetry();
    expect(sockets).toHaveLength(1);
    await expect(transport.call('overview.get', {})).resolves.toEqual({ ok: false, error: LOST_CONNECTION });
  });

  it('turns a malformed answer into an INTERNAL failure and ignores garbage frames', async () => {
    const { transport, last } = harness();
    last().open();
    const answer = transport.call('app.info', {});
    last().onmessage?.({ data: 'not json' });
    last().receive({ type: 'result', id: 1, result: { nope: true } });
    const result = await answer;
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('INTERNAL');
  });

  it('fails a call the host never answers with TIMEOUT', async () => {
    const { transport, last, timers } = harness();
    last().open();
    const answer = transport.call('app.info', {});
    timers.find((timer) => timer.ms === 30_000)?.run();
    const result = await answer;
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('TIMEOUT');
  });

  it('closes for good on close()', () => {
    const { transport, last, sockets, fireRetry } = harness();
    last().open();
    transport.close();
    expect(last().closedWith).toBe(1000);
    fireRetry();
    expect(sockets).toHaveLength(1);
  });
});
