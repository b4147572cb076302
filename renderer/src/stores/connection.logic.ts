import { TOKEN_REJECTED_CLOSE_CODE, type LinkEvent, type TransportKind } from '../api/transport';

export type LinkState = 'connecting' | 'open' | 'closed';

/** The link to the host as the UI shows it. */
export interface ConnectionState {
  transport: TransportKind;
  state: LinkState;
  /** Why the link is not open, in words for the banner; null while open. */
  reason: string | null;
  /** True once any socket of this page opened: tells "lost" apart from "never reached". */
  hasEverOpened: boolean;
  /** The host refused the token explicitly: retrying is pointless, the user needs a fresh link. */
  isTokenRejected: boolean;
  /** Epoch ms of the next reconnection attempt, null when none is planned. */
  retryAt: number | null;
  /** Last failure of the initial load after (re)connecting, shown under the top bar. */
  syncError: string | null;
}

/** The desktop transport is open from the start: IPC needs no handshake. */
export function initialConnectionState(transport: TransportKind): ConnectionState {
  return {
    transport,
    state: transport === 'electron' ? 'open' : 'connecting',
    reason: null,
    hasEverOpened: transport === 'electron',
    isTokenRejected: false,
    retryAt: null,
    syncError: null,
  };
}

/** Applies one event of the transport to the connection state. */
export function applyLinkEvent(state: ConnectionState, event: LinkEvent, now: number): ConnectionState {
  switch (event.type) {
    case 'connecting':
      return { ...state, state: 'connecting', retryAt: null };
    case 'open':
      return { ...state, state: 'open', reason: null, hasEverOpened: true, isTokenRejected: false, retryAt: null };
    case 'closed':
      return {
        ...state,
        state: 'closed',
        reason: describeClose(event.code, event.wasOpen, state.hasEverOpened),
        isTokenRejected: event.code === TOKEN_REJECTED_CLOSE_CODE,
        retryAt: event.retryInMs === null ? null : now + event.retryInMs,
      };
  }
}

/**
 * A reason a person can act on. A browser cannot see why a handshake failed (every failure is
 * code 1006), so a first connection that never opened names both likely causes.
 */
export function describeClose(code: number, wasOpen: boolean, hasEverOpened: boolean): string {
  if (code === TOKEN_REJECTED_CLOSE_CODE) return 'token rejected';
  if (wasOpen) return 'connection lost';
  if (!hasEverOpened) return 'token rejected or host not reachable';
  return 'host not reachable';
}

/** Records the outcome of loading the initial data after a (re)connection. */
export function setSyncError(state: ConnectionState, message: string | null): ConnectionState {
  return state.syncError === message ? state : { ...state, syncError: message };
}
