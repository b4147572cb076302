import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { RPC_PATH, TOKEN_PROTOCOL_PREFIX, TOKEN_REJECTED_CLOSE_CODE } from '../../shared/contract/wire';
import { createWebSocketTransport, type SocketLike } from '../../renderer/src/api/websocket-transport';
import type { LinkEvent } from '../../renderer/src/api/transport';
import { startWebHost, type WebHost } from '../../electron/headless/web-host';
import { uniqueNamespace } from '../helpers/brokers';
import { cleanupNamespace, createTestCore, type TestCore } from '../helpers/core';

function connect(host: WebHost, options: { token?: string; origin?: string }): Promise<{ ws?: WebSocket; status?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}${RPC_PATH}`, options.token === undefined ? [] : [TOKEN_PROTOCOL_PREFIX + options.token], {
      origin: options.origin ?? `http://127.0.0.1:${host.port}`,
    });
    ws.on('open', () => resolve({ ws }));
    ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode }));
    ws.on('error', () => resolve({ status: -1 }));
  });
}

/** Connects with `token` and resolves with the close code and every frame received before it. */
function closedWith(host: WebHost, token: string | undefined): Promise<{ code: number; reason: string; frames: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}${RPC_PATH}`, token === undefined ? [] : [TOKEN_PROTOCOL_PREFIX + token], { origin: `http://127.0.0.1:${host.port}` });
    let frames = 0;
    ws.on('open', () => ws.send(JSON.stringify({ type: 'call', id: 1, method: 'environments.list', params: {} })));
    ws.on('message', () => frames++);
    ws.on('close', (code, reason) => resolve({ code, reason: String(reason), frames }));
    ws.on('error', () => undefined);
  });
}

describe('browser-mode host', () => {
  const ns = uniqueNamespace('web');
  let t: TestCore;
  let host: WebHost;

  beforeAll(async () => {
    t = await createTestCore(ns);
    const staticDir = mkdtempSync(path.join(os.tmpdir(), 'wf-static-'));
    writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>wf</title>');
    host = await startWebHost({ core: t.core, staticDir });
  });
  afterAll(async () => {
    await host.close();
    await t.close();
    await cleanupNamespace(ns);
  });

  it('listens on loopback only and refuses other bind addresses', async () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(host.openUrl).toContain('#token=');
    await expect(startWebHost({ core: t.core, staticDir: '.', host: '0.0.0.0' })).rejects.toThrow(/loopback only/);
  });

  it('serves the renderer with a strict CSP and never files outside it', async () => {
    const index = await fetch(host.url);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(index.headers.get('content-security-policy')).not.toContain('unsafe-eval');
    const traversal = await fetch(`${host.url}..%2f..%2fpackage.json`);
    expect([403, 404]).toContain(traversal.status);
  });

  it('closes a missing or wrong token with the token-rejected code, answering and pushing nothing; refuses a foreign Origin', async () => {
    for (const token of [undefined, 'wrong', `${host.token}x`]) {
      expect(await closedWith(host, token)).toEqual({ code: TOKEN_REJECTED_CLOSE_CODE, reason: 'token rejected', frames: 0 });
    }
    expect((await connect(host, { token: host.token, origin: 'https://evil.example' })).status).toBe(403);
  });

  it("the renderer's own transport stops retrying on a wrong token and says why, and works with the right one", async () => {
    const run = (token: string) => {
      const events: LinkEvent[] = [];
      const transport = createWebSocketTransport({
        url: `ws://127.0.0.1:${host.port}${RPC_PATH}`,
        token,
        onLinkEvent: (event) => events.push(event),
        createSocket: (url, protocols) => new WebSocket(url, protocols, { origin: `http://127.0.0.1:${host.port}` }) as unknown as SocketLike,
      });
      return { transport, events };
    };
    const { waitFor } = await import('../helpers/wait');
    const wrong = run('wrong');
    await waitFor(() => wrong.events.some((e) => e.type === 'closed'), 'the wrong token closed');
    expect(wrong.events.filter((e) => e.type === 'closed')).toEqual([{ type: 'closed', code: TOKEN_REJECTED_CLOSE_CODE, wasOpen: true, retryInMs: null }]);
    expect(await wrong.transport.call('environments.list', {})).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    wrong.transport.close();

    const right = run(host.token);
    const answer = await right.transport.call('environments.list', {});
    expect(answer.ok).toBe(true);
    expect(right.events.map((e) => e.type)).toEqual(['connecting', 'open']);
    right.transport.close();
  });

  it('answers contract calls and pushes events to an authenticated client', async () => {
    const { ws, status } = await connect(host, { token: host.token });
    expect(status).toBeUndefined();
    expect(ws!.readyState).toBe(WebSocket.OPEN);
    const frames: { type: string; id?: number; topic?: string; result?: { ok: boolean; value?: unknown; error?: { code: string } } }[] = [];
    ws!.on('message', (data) => frames.push(JSON.parse(String(data))));
    ws!.send(JSON.stringify({ type: 'call', id: 1, method: 'environments.list', params: {} }));
    ws!.send(JSON.stringify({ type: 'call', id: 2, method: 'environments.add', params: { name: '' } }));
    ws!.send(JSON.stringify({ type: 'call', id: 3, method: 'no.such', params: {} }));
    ws!.send('not json at all');
    const { waitFor } = await import('../helpers/wait');
    await waitFor(() => frames.filter((f) => f.type === 'result').length === 3 && frames.some((f) => f.topic === 'overview.tick'), 'three results and a tick');
    const byId = (id: number) => frames.find((f) => f.id === id)!.result!;
    expect(byId(1).ok).toBe(true);
    expect(byId(2).error?.code).toBe('VALIDATION');
    expect(byId(3).error?.code).toBe('UNKNOWN_METHOD');
    ws!.close();
  });
});
