import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventColumns, INSERT_EVENTS_SQL } from '../../electron/core/database/event-store';
import { migrate } from '../../electron/core/database/schema';
import { alertForEvent, createRandom, securityEvent } from '../../electron/core/demo/message-factory';
import { Redis } from 'ioredis';
import { waitFor } from '../helpers/wait';
import type { StoredEvent } from '../../shared/contract/method-groups/events';
import type { SecurityEvent } from '../../shared/schemas/security-streams';
import { REDIS_URL, tempHome, uniqueNamespace } from '../helpers/brokers';
import { cleanupNamespace, createTestCore, type TestCore } from '../helpers/core';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres';

const run = promisify(execFile);
const HOUR = 3_600_000;

// Issue 17: the stored history, read through the contract (events.search / events.hourly) and the CLI, on the real PostgreSQL.
describe('event history', { timeout: 180_000 }, () => {
  const ns = uniqueNamespace('hist');
  const now = Date.now();
  let db: TestDatabase;
  let client: pg.Client;
  let tc: TestCore;
  const assets = ['asset-a', 'asset-b', 'asset-c'];
  // 600 events over the last 30 hours, three a minute apart then a gap, on three assets.
  const events: SecurityEvent[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    client = await db.client();
    await migrate(client);
    const random = createRandom(41);
    for (let i = 0; i < 600; i++) events.push({ ...(securityEvent(random, now - i * 3 * 60_000) as SecurityEvent), asset_id: assets[i % 3]! });
    await client.query(INSERT_EVENTS_SQL, eventColumns(events.map((value) => ({ value, entryId: null }))));
    // A redelivery of them all: no new row, so nothing is counted twice by the hourly triggers.
    expect((await client.query(INSERT_EVENTS_SQL, eventColumns(events.map((value) => ({ value, entryId: null }))))).rowCount).toBe(0);
    tc = await createTestCore(ns, { postgres: { url: db.url } });
  });
  afterAll(async () => {
    await tc?.close();
    await cleanupNamespace(ns);
    await client?.end();
    await db?.drop();
  });

  const newestFirst = (list: readonly SecurityEvent[]) => [...list].sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp) || (a.id < b.id ? 1 : -1)).map((e) => e.id);

  it('pages newest first with a keyset cursor, filtered by asset and severity, every matching event once', async () => {
    const severity = ['critical', 'high'] as const;
    const expected = newestFirst(events.filter((e) => e.asset_id === 'asset-b' && (severity as readonly string[]).includes(e.severity)));
    expect(expected.length).toBeGreaterThan(30);
    const seen: StoredEvent[] = [];
    let before: { ts: number; id: string } | undefined;
    for (let pages = 0; pages < 100; pages++) {
      const page = await tc.core.call('events.search', { envId: tc.envId, since: now - 31 * HOUR, until: now + 1, asset: 'asset-b', severity: [...severity], limit: 25, ...(before ? { before } : {}) });
      if (!page.ok) throw new Error(page.error.message);
      seen.push(...page.value.events);
      if (!page.value.next) break;
      before = page.value.next;
    }
    expect(seen.map((e) => e.id)).toEqual(expected);
    expect(seen.every((e) => e.assetId === 'asset-b' && (severity as readonly string[]).includes(e.severity))).toBe(true);
    const first = events.find((e) => e.id === expected[0])!;
    expect(seen[0]).toMatchObject({ ts: Date.parse(first.timestamp), title: first.title, eventType: first.event_type, correlationId: first.correlation_id });
    // A time range in ISO strings; the type filter.
    const typed = await tc.core.call('events.search', { envId: tc.envId, since: new Date(now - 2 * HOUR).toISOString(), until: new Date(now + 1).toISOString(), type: first.event_type, limit: 1000 });
    expect(typed.ok && typed.value.events.map((e) => e.id)).toEqual(newestFirst(events.filter((e) => e.event_type === first.event_type && Date.parse(e.timestamp) >= now - 2 * HOUR)));
  });

  it('counts by hour, the same filter', async () => {
    const answer = await tc.core.call('events.hourly', { envId: tc.envId, since: now - 31 * HOUR, until: now + 1, asset: 'asset-a' });
    if (!answer.ok) throw new Error(answer.error.message);
    const expected = new Map<number, number>();
    for (const e of events.filter((x) => x.asset_id === 'asset-a')) {
      const hour = Math.floor(Date.parse(e.timestamp) / HOUR) * HOUR;
      expected.set(hour, (expected.get(hour) ?? 0) + 1);
    }
    expect(answer.value.buckets).toEqual([...expected].sort((a, b) => a[0] - b[0]).map(([hour, count]) => ({ hour, count })));
    expect(answer.value.total).toBe(200);
  });

  it('the hourly counts follow deletes (retention), from whole hours and part-hours alike', async () => {
    const removed = events.filter((e) => e.asset_id === 'asset-a').slice(0, 40).map((e) => e.id);
    await client.query('DELETE FROM events WHERE id = ANY($1::text[])', [removed]);
    try {
      const answer = await tc.core.call('events.hourly', { envId: tc.envId, since: now - 31 * HOUR, until: now + 1, asset: 'asset-a' });
      expect(answer.ok && answer.value.total).toBe(160);
      // A range inside one hour reads the table itself.
      const short = await tc.core.call('events.hourly', { envId: tc.envId, since: now - 20 * 60_000, until: now + 1 });
      expect(short.ok && short.value.total).toBe(events.filter((e) => Date.parse(e.timestamp) >= now - 20 * 60_000 && !removed.includes(e.id)).length);
    } finally {
      const back = events.filter((e) => removed.includes(e.id));
      await client.query(INSERT_EVENTS_SQL, eventColumns(back.map((value) => ({ value, entryId: null }))));
    }
    const restored = await tc.core.call('events.hourly', { envId: tc.envId, since: now - 31 * HOUR, until: now + 1, asset: 'asset-a' });
    expect(restored.ok && restored.value.total).toBe(200);
  });

  it("an alert whose event the streams no longer hold gets it from the database as evidence", async () => {
    const redis = new Redis(REDIS_URL);
    try {
      await waitFor(() => tc.core.runtime(tc.envId).redis?.isReady, 'connected');
      // Let the ingester take its starting cursor before the alert.
      await new Promise((r) => setTimeout(r, 400));
      const event = events[5]!;
      const alert = alertForEvent(event as unknown as Record<string, unknown>, Date.now()) as { id: string };
      await redis.xadd(`${ns}security.alerts`, '*', 'data', JSON.stringify(alert));
      await waitFor(async () => {
        const listed = await tc.core.call('alerts.list', { envId: tc.envId, limit: 100 });
        return listed.ok && listed.value.alerts.some((a) => a.id === alert.id);
      }, 'alert ingested');
      const evidence = await tc.core.call('alerts.evidence', { envId: tc.envId, id: alert.id });
      if (!evidence.ok) throw new Error(evidence.error.message);
      expect(evidence.value.items[0]).toMatchObject({ stream: 'events table (PostgreSQL)', id: event.id, isTrigger: true, isDeadLetter: false });
      expect(JSON.parse(evidence.value.items[0]!.preview)).toMatchObject({ id: event.id, title: event.title, correlation_id: event.correlation_id, timestamp: new Date(event.timestamp).toISOString() });
      expect(evidence.value.items.filter((i) => i.stream === 'events table (PostgreSQL)')).toHaveLength(events.filter((e) => e.correlation_id === event.correlation_id).length);
    } finally {
      redis.disconnect();
    }
  });

  it('says what is wrong: a backwards range, a bad time, no database, no events table yet', async () => {
    const backwards = await tc.core.call('events.search', { envId: tc.envId, since: now, until: now - HOUR });
    expect(backwards).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: 'until must be after since' } });
    const badTime = await tc.core.call('events.hourly', { envId: tc.envId, since: 'yesterday-ish', until: now });
    expect(badTime).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: expect.stringContaining('"yesterday-ish" is not a time') } });
    const list = await tc.core.call('environments.list', {});
    const local = list.ok ? list.value.find((e) => e.name === 'Local') : undefined;
    if (!local) throw new Error('no Local environment');
    await tc.core.startRuntimes([local.id]);
    const none = await tc.core.call('events.search', { envId: local.id, since: now - HOUR, until: now });
    expect(none).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED', message: expect.stringMatching(/^no database configured: add a PostgreSQL URL/) } });
    const empty = await createTestDatabase();
    try {
      const other = await tc.core.call('environments.add', { name: `Empty ${ns}`, namespace: `${ns}empty:`, redis: { url: REDIS_URL }, postgres: { url: empty.url } });
      if (!other.ok) throw new Error(other.error.message);
      await tc.core.startRuntimes([other.value.id]);
      const noTable = await tc.core.call('events.hourly', { envId: other.value.id, since: now - HOUR, until: now });
      expect(noTable).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: expect.stringContaining('no events table (the event-store sink creates it') } });
      await tc.core.call('environments.remove', { id: other.value.id });
      await tc.core.settled();
    } finally {
      await empty.drop();
    }
  });

  it('watchfloor events: a page as a table with the next-page flag, --hourly --json, a bad --severity refused', async () => {
    const home = tempHome();
    const cli = (...args: string[]) =>
      run(process.execPath, ['--import', 'tsx', 'electron/headless/cli.ts', ...args], { env: { ...process.env, WATCHFLOOR_HOME: home.dir }, timeout: 60_000 }).then(
        (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
      );
    try {
      expect((await cli('env', 'add', '--name', 'History', '--redis', REDIS_URL, '--namespace', ns, '--postgres', db.url)).code).toBe(0);
      const page = await cli('events', '--env', 'History', '--since', '24h', '--asset', 'asset-c', '--limit', '5');
      expect(page.code).toBe(0);
      const lines = page.stdout.trim().split('\n');
      expect(lines[0]).toMatch(/^TIME\s+SEVERITY\s+TYPE\s+ASSET\s+TITLE$/);
      const expected = newestFirst(events.filter((e) => e.asset_id === 'asset-c' && Date.parse(e.timestamp) >= now - 24 * HOUR)).slice(0, 5);
      expect(lines.slice(2, 7).map((l) => l.split(/\s+/)[0])).toEqual(expected.map((id) => new Date(events.find((e) => e.id === id)!.timestamp).toISOString()));
      expect(lines[7]).toMatch(/^more: --before \d+:\S+$/);
      const next = await cli('events', '--env', 'History', '--since', '24h', '--asset', 'asset-c', '--limit', '5', '--before', lines[7]!.replace('more: --before ', ''), '--json');
      expect((JSON.parse(next.stdout) as { events: StoredEvent[] }).events.map((e) => e.id)).toEqual(newestFirst(events.filter((e) => e.asset_id === 'asset-c' && Date.parse(e.timestamp) >= now - 24 * HOUR)).slice(5, 10));
      const hourly = await cli('events', '--env', 'History', '--since', '48h', '--hourly', '--json');
      expect((JSON.parse(hourly.stdout) as { total: number }).total).toBe(600);
      const bad = await cli('events', '--env', 'History', '--severity', 'urgent');
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('--severity takes critical, high, medium, low, info (not urgent)');
    } finally {
      home.cleanup();
    }
  });
});
