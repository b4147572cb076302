import { z } from 'zod';

/**
 * Frames of the browser-mode WebSocket. The Electron transport does not need them: IPC already
 * carries calls and events on named channels.
 */
export const ClientFrame = z.object({
  type: z.literal('call'),
  id: z.number().int().nonnegative(),
  method: z.string().max(128),
  params: z.unknown(),
});
export type ClientFrame = z.infer<typeof ClientFrame>;

export type ServerFrame =
  | { type: 'result'; id: number; result: unknown }
  | { type: 'event'; topic: string; payload: unknown };

/** Name of the WebSocket path the host serves the contract on. */
export const RPC_PATH = '/rpc';
/** Sub-protocol prefix carrying the token (browsers cannot set headers on a WebSocket). */
export const TOKEN_PROTOCOL_PREFIX = 'watchfloor.token.';

/**
 * Close code the host sends when the token is missing or wrong. The host completes the handshake
 * and closes with this code (a browser cannot read the status of a refused upgrade: it only sees
 * 1006), so the renderer can tell "wrong token, stop retrying" from "host not reachable".
 */
export const TOKEN_REJECTED_CLOSE_CODE = 4401;
export const TOKEN_REJECTED_REASON = 'token rejected';
