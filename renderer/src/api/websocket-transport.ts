import type { CallError, MethodName, Result, TopicName } from '../../../shared/contract';
import { CALL_DEADLINE_MS, PendingCalls, isResultEnvelope } from '../../../shared/contract/pending-calls';
import { TOKEN_PROTOCOL_PREFIX, TOKEN_REJECTED_CLOSE_CODE } from '../../../shared/contract/wire';
import { reconnectDelayMs } from './backoff.logic';
import type { LinkEvent, Transport } from './transport';

export { CALL_DEADLINE_MS };

export const LOST_CONNECTION: CallError = { code: 'INTERNAL', message: 'lost connection to the Watchfloor host' };

/** The part of the DOM WebSocket this transport uses, so tests can hand in a fake. */
export interface SocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: { code: number }) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export interface WebSocketTransportOptions {
  url: string;
  token: string;
  onLinkEvent?: (event: LinkEvent) => void;
  /** Defaults to the browser's WebSocket. */
  createSocket?: (url: string, protocols: string[]) => SocketLike;
  setTimer?: (run: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  random?: () => number;
  callDeadlineMs?: number;
}

/**
 * The browser-mode transport: one WebSocket to the headless host, the token in the sub-protocol,
 * automatic reconnection with capped backoff. Calls made while connecting wait for the socket;
 * calls in flight when it drops fail with {@link LOST_CONNECTION}.
 */
export function createWebSocketTransport(options: WebSocketTransportOptions): Transport {
  const createSocket = options.createSocket ?? browserSocket;
  const setTimer = options.setTimer ?? ((run, ms) => setTimeout(run, ms));
  const clearTimer = options.clearTimer ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  /** Calls waiting for an answer, sent or not yet sent; the payload is the frame to (re)send. */
  const pending = new PendingCalls<string>({ peer: 'the Watchfloor host', deadlineMs: options.callDeadlineMs, setTimer, clearTimer });
  let socket: SocketLike | null = null;
  let isOpen = false;
  let isClosed = false;
  let attempt = 0;
  let retryTimer: unknown = null;

  const report = (event: LinkEvent) => options.onLinkEvent?.(event);

  function dispatch(topic: string, payload: unknown): void {
    const topicListeners = listeners.get(topic);
    if (!topicListeners) return;
    for (const listener of [...topicListeners]) {
      try {
        listener(payload);
      } catch (error) {
        // One broken listener must not starve the others of updates.
        console.error(`listener of "${topic}" failed`, error);
      }
    }
  }

  function handleMessage(data: unknown): void {
    if (typeof data !== 'string') return;
    let frame: unknown;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    if (typeof frame !== 'object' || frame === null) return;
    const { type } = frame as { type?: unknown };
    if (type === 'result') {
      const { id, result } = frame as { id?: unknown; result?: unknown };
      if (typeof id !== 'number') return;
      pending.settle(id, isResultEnvelope(result) ? result : { ok: false, error: { code: 'INTERNAL', message: 'the host sent a malformed answer' } });
    } else if (type === 'event') {
      const { topic, payload } = frame as { topic?: unknown; payload?: unknown };
      if (typeof topic === 'string') dispatch(topic, payload);
    }
  }

  function connect(): void {
    retryTimer = null;
    if (isClosed) return;
    report({ type: 'connecting', attempt });
    let wasOpen = false;
    let current: SocketLike;
    try {
      current = createSocket(options.url, [TOKEN_PROTOCOL_PREFIX + options.token]);
    } catch {
      // A malformed URL or protocol throws synchronously; treat it like a failed handshake.
      scheduleRetry(1006, false);
      return;
    }
    socket = current;
    current.onopen = () => {
      if (socket !== current) return;
      wasOpen = true;
      isOpen = true;
      attempt = 0;
      report({ type: 'open' });
      for (const frame of pending.payloads()) current.send(frame);
    };
    current.onmessage = (event) => {
      if (socket === current) handleMessage(event.data);
    };
    current.onerror = () => {
      // Always followed by a close event, which does the work.
    };
    current.onclose = (event) => {
      if (socket !== current) return;
      socket = null;
      isOpen = false;
      pending.failAll(LOST_CONNECTION);
      scheduleRetry(event.code, wasOpen);
    };
  }

  function scheduleRetry(code: number, wasOpen: boolean): void {
    if (isClosed) return;
    if (code === TOKEN_REJECTED_CLOSE_CODE) {
      // The host read the token and said no: retrying with the same one cannot succeed.
      report({ type: 'closed', code, wasOpen, retryInMs: null });
      return;
    }
    const delay = reconnectDelayMs(attempt, options.random);
    attempt += 1;
    report({ type: 'closed', code, wasOpen, retryInMs: delay });
    retryTimer = setTimer(connect, delay);
  }

  connect();

  return {
    kind: 'websocket',
    call(method: MethodName, params: unknown): Promise<Result<unknown>> {
      if (isClosed || (socket === null && retryTimer === null)) return Promise.resolve({ ok: false, error: LOST_CONNECTION });
      let frame = '';
      const call = pending.open(method, (id) => (frame = JSON.stringify({ type: 'call', id, method, params })));
      if (isOpen && socket) socket.send(frame);
      return call.result;
    },
    on(topic: TopicName, listener: (payload: unknown) => void): () => void {
      let topicListeners = listeners.get(topic);
      if (!topicListeners) {
        topicListeners = new Set();
        listeners.set(topic, topicListeners);
      }
      topicListeners.add(listener);
      return () => {
        topicListeners.delete(listener);
      };
    },
    close(): void {
      if (isClosed) return;
      isClosed = true;
      if (retryTimer !== null) clearTimer(retryTimer);
      retryTimer = null;
      const current = socket;
      socket = null;
      isOpen = false;
      pending.failAll(LOST_CONNECTION);
      current?.close(1000, 'closing');
    },
  };
}

/**
 * The browser's WebSocket, reached through `globalThis` so this file type-checks without the DOM
 * lib too (the unit tests compile it under Node's types and hand in a fake).
 */
function browserSocket(url: string, protocols: string[]): SocketLike {
  const { WebSocket: Socket } = globalThis as unknown as { WebSocket: new (url: string, protocols: string[]) => SocketLike };
  return new Socket(url, protocols);
}
