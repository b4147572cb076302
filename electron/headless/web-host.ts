import { randomBytes, timingSafeEqual } from 'node:crypto';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { TOPIC_NAMES } from '../../shared/contract/events';
import { fail } from '../../shared/contract/result';
import { ClientFrame, RPC_PATH, TOKEN_PROTOCOL_PREFIX, TOKEN_REJECTED_CLOSE_CODE, TOKEN_REJECTED_REASON, type ServerFrame } from '../../shared/contract/wire';
import type { AppCore } from '../core/app-core';
import { CONTENT_SECURITY_POLICY } from '../core/security-policy';


const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.map': 'application/json',
  '.ico': 'image/x-icon',
};

/** Largest frame a browser may send; contract calls are small. */
const MAX_FRAME_BYTES = 1024 * 1024;
/** Events are skipped for a client whose socket buffer is over this (a stalled tab must not grow the host's memory). */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

export interface WebHostOptions {
  core: AppCore;
  staticDir: string;
  port?: number;
  host?: string;
  token?: string;
}

export interface WebHost {
  url: string;
  /** The URL to open, carrying the token in the fragment (never sent to the server in HTTP requests). */
  openUrl: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

function tokenMatches(offered: string, token: string): boolean {
  const a = Buffer.from(offered);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token a client offered in its Sec-WebSocket-Protocol header, if any. */
export function offeredToken(header: string | undefined): string | undefined {
  return header
    ?.split(',')
    .map((p) => p.trim())
    .find((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX))
    ?.slice(TOKEN_PROTOCOL_PREFIX.length);
}

/**
 * Browser mode: serves the built renderer and the contract over a WebSocket, on loopback only.
 * Every WebSocket must present the random token and come from this host's own Origin.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host)) throw new Error(`browser mode listens on loopback only (got ${host})`);
  const token = options.token ?? randomBytes(24).toString('base64url');
  const staticDir = path.resolve(options.staticDir);
  let port = 0;

  const server = http.createServer((request, response) => {
    void serveStatic(staticDir, request, response);
  });
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    handleProtocols: (protocols) => [...protocols].find((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX)) ?? false,
  });

  server.on('upgrade', (request, socket, head) => {
    const reject = (status: number, reason: string) => {
      socket.write(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
    };
    const url = new URL(request.url ?? '/', 'http://placeholder');
    if (url.pathname !== RPC_PATH) return reject(404, 'Not Found');
    const allowedOrigins = [`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`];
    if (!allowedOrigins.includes(request.headers.origin ?? '')) return reject(403, 'Forbidden');
    const offered = offeredToken(request.headers['sec-websocket-protocol']);
    if (!offered || !tokenMatches(offered, token)) {
      // A browser cannot read the status of a refused upgrade (it sees 1006, the same as a host
      // that is down) and would retry forever: finish the handshake and close with the code the
      // renderer reads as "wrong token, stop". Nothing is subscribed or dispatched for it.
      return wss.handleUpgrade(request, socket, head, (ws) => ws.close(TOKEN_REJECTED_CLOSE_CODE, TOKEN_REJECTED_REASON));
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  });

  wss.on('connection', (ws: WebSocket) => {
    const send = (frame: ServerFrame) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
    };
    const unsubscribers = TOPIC_NAMES.map((topic) =>
      options.core.on(topic, (payload) => {
        if (ws.bufferedAmount > MAX_BUFFERED_BYTES) return;
        send({ type: 'event', topic, payload });
      }),
    );
    ws.on('message', (data) => {
      let frame: ClientFrame;
      try {
        const parsed = ClientFrame.safeParse(JSON.parse(String(data)));
        if (!parsed.success) return;
        frame = parsed.data;
      } catch {
        return;
      }
      options.core
        .dispatch(frame.method, frame.params)
        .then((result) => send({ type: 'result', id: frame.id, result }))
        .catch((error: unknown) => send({ type: 'result', id: frame.id, result: fail('INTERNAL', String(error)) }));
    });
    ws.on('close', () => unsubscribers.forEach((off) => off()));
    ws.on('error', () => undefined);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const shownHost = host === '::1' ? '[::1]' : host;
  const url = `http://${shownHost}:${port}/`;
  return {
    url,
    openUrl: `${url}#token=${token}`,
    port,
    token,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function serveStatic(root: string, request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
  const headers = {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cache-Control': 'no-store',
  };
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, headers).end();
    return;
  }
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://placeholder').pathname);
  } catch {
    response.writeHead(400, headers).end();
    return;
  }
  const file = path.resolve(root, `.${pathname === '/' ? '/index.html' : pathname}`);
  if (file !== root && !file.startsWith(root + path.sep)) {
    response.writeHead(403, headers).end();
    return;
  }
  try {
    const body = await fs.readFile(file);
    response.writeHead(200, { ...headers, 'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream' });
    response.end(request.method === 'HEAD' ? undefined : body);
  } catch {
    response.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end('not found');
  }
}
