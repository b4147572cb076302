import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { AlertStore } from '../../electron/core/alerts/alert-store';
import { EscalationEngine } from '../../electron/core/alerts/escalation-engine';
import { WebhookDelivery, webhookSignature } from '../../electron/core/workers/notify/webhook-delivery';
import { DEFAULT_SEVERITY_POLICY, type EscalationPolicy } from '../../shared/model/alerts';
import type { SecurityAlert } from '../../shared/schemas/security-streams';
import { REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { cleanupNamespace } from '../helpers/core';
import { waitFor } from '../helpers/wait';

const SHORT: EscalationPolicy = { default: { ...DEFAULT_SEVERITY_POLICY, ackWithinMs: 800, resolveWithinMs: 1_600 }, bySeverity: {} };
const SECRET = 'test-secret';

/**
 * Issue 5's exactly-once, counted where it matters: at a webhook receiver on loopback. Three
 * engines escalate 200 alerts (levels 1–3 = 600 notifications); two `webhook-sender` consumers
 * deliver them; a repeated notification (same dedup key) is dropped by the senders.
 */
describe('escalations delivered to a local webhook exactly once', () => {
  const ns = uniqueNamespace('alerthook');
  const clients: Redis[] = [];
  const client = () => {
    const r = new Redis(REDIS_URL);
    clients.push(r);
    return r;
  };
  const received = new Map<string, number>();
  let badSignatures = 0;
  let server: Server;
  afterAll(async () => {
    server?.close();
    for (const c of clients) c.disconnect();
    await cleanupNamespace(ns);
  });

  it('three engines and two senders: every (alert, level) arrives once, a repeat is dropped', async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (req.headers['x-watchfloor-signature'] !== webhookSignature(SECRET, String(req.headers['x-watchfloor-timestamp']), body)) badSignatures++;
        const key = (JSON.parse(body) as { dedup_key: string }).dedup_key;
        received.set(key, (received.get(key) ?? 0) + 1);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const redis = client();
    const store = new AlertStore(redis, ns, SHORT);
    const senders = [0, 1].map((i) => new WebhookDelivery(client(), ns, { url, secret: SECRET, consumer: `sender-${i}`, blockMs: 200 }));
    for (const s of senders) await s.start();
    const engines = [0, 1, 2].map(() => new EscalationEngine(client(), new AlertStore(client(), ns, SHORT), { tickMs: 50, leaseMs: 2_000 }));
    engines.forEach((e) => e.start());
    const ids: string[] = [];
    const now = Date.now();
    for (let i = 0; i < 200; i++) {
      const id = randomUUID();
      ids.push(id);
      await store.ingest({ id, rule_id: 'r', timestamp: new Date(now).toISOString(), organization_id: 'o', asset_id: 'a', severity: 'high', title: `t${i}`, message: 'm', status: 'open', escalation_level: 1, notification_channels: ['webhook'], metadata: { sla_deadline: new Date(now + 60_000).toISOString(), escalation_schedule: [] } } as SecurityAlert, now);
    }
    try {
      await waitFor(() => (received.size === 600 ? true : undefined), '600 distinct notifications at the receiver', 30_000);
      // A repeat of one notification (e.g. a producer retry) reaches the stream again…
      await redis.xadd(store.keys.notificationsStream, '*', 'data', JSON.stringify({ dedup_key: `${ids[0]}:L2`, alert_id: ids[0], level: 2 }));
      await waitFor(() => (senders.reduce((n, s) => n + s.stats.duplicates, 0) >= 1 ? true : undefined), 'the repeat dropped by a sender');
    } finally {
      engines.forEach((e) => e.stop());
      for (const s of senders) await s.stop();
    }
    // …and is not delivered twice.
    expect([...received.values()].filter((n) => n !== 1)).toEqual([]);
    for (const id of ids) for (const level of [1, 2, 3]) expect(received.get(`${id}:L${level}`)).toBe(1);
    expect(badSignatures).toBe(0);
    expect(senders.every((s) => s.stats.delivered > 0)).toBe(true);
  });
});
