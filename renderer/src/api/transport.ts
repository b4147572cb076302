import type { MethodName, Result, TopicName } from '../../../shared/contract';

export { TOKEN_REJECTED_CLOSE_CODE } from '../../../shared/contract/wire';

/** Which way calls travel: Electron IPC through the preload, or the browser-mode WebSocket. */
export type TransportKind = 'electron' | 'websocket';

/** What both transports offer; untyped on purpose, the client adds the contract's types on top. */
export interface Transport {
  readonly kind: TransportKind;
  /** Never rejects: failures of the transport itself come back as an `{ ok: false }` Result. */
  call(method: MethodName, params: unknown): Promise<Result<unknown>>;
  /** Registers a listener for a pushed topic; returns its unsubscribe. */
  on(topic: TopicName, listener: (payload: unknown) => void): () => void;
  /** Stops reconnecting and releases the connection (idempotent). */
  close(): void;
}

/** Changes of the link to the host, reported by a transport to whoever keeps the connection state. */
export type LinkEvent =
  | { type: 'connecting'; attempt: number }
  | { type: 'open' }
  | {
      type: 'closed';
      /** WebSocket close code (1006 when the handshake failed or the host vanished). */
      code: number;
      /** False when this socket never opened (host unreachable or handshake rejected). */
      wasOpen: boolean;
      /** Delay before the next attempt; null when the transport gave up. */
      retryInMs: number | null;
    };
