import { RPC_PATH } from '../../../shared/contract/wire';
import type { WatchfloorBridge } from '../env';
import { TOKEN_STORAGE_KEY, takeTokenFromHash } from './token.logic';

/** How this page reaches the host. */
export type TransportChoice =
  | { kind: 'electron'; bridge: WatchfloorBridge }
  | { kind: 'websocket'; url: string; token: string }
  /** Browser mode opened without the token link: nothing can be called. */
  | { kind: 'no-token' };

/**
 * Desktop when the preload exposed `window.watchfloor`; otherwise browser mode, with the token
 * taken from `#token=…` (then kept in sessionStorage and removed from the visible URL) or from
 * sessionStorage after a reload.
 */
export function chooseTransport(win: Window): TransportChoice {
  if (win.watchfloor?.kind === 'electron') return { kind: 'electron', bridge: win.watchfloor };
  const token = takeToken(win);
  if (token === null) return { kind: 'no-token' };
  const scheme = win.location.protocol === 'https:' ? 'wss' : 'ws';
  return { kind: 'websocket', url: `${scheme}://${win.location.host}${RPC_PATH}`, token };
}

function takeToken(win: Window): string | null {
  const { token, remainingHash } = takeTokenFromHash(win.location.hash);
  if (token !== null) {
    try {
      win.sessionStorage.setItem(TOKEN_STORAGE_KEY, token);
    } catch {
      // Storage disabled: the token still works for this page, only a reload will need the link again.
    }
    // Keep the token out of screenshots, screen shares and the history list.
    win.history.replaceState(win.history.state, '', `${win.location.pathname}${win.location.search}${remainingHash}`);
    return token;
  }
  try {
    return win.sessionStorage.getItem(TOKEN_STORAGE_KEY);
  } catch {
    return null;
  }
}

/** Forgets the stored token (after the host rejected it), so a reload shows the "open the link" screen. */
export function forgetToken(win: Window): void {
  try {
    win.sessionStorage.removeItem(TOKEN_STORAGE_KEY);
  } catch {
    // Nothing stored, nothing to forget.
  }
}
