import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { AlertStore } from '../../electron/core/alerts/alert-store';
import { EscalationEngine } from '../../electron/core/alerts/escalation-engine';
import { SilenceStore, type SilenceInput } from '../../electron/core/alerts/silence-store';
import { createRandom, securityEvent } from '../../electron/core/demo/message-factory';
import { EventHandler } from '../../electron/core/workers/processors/event-handler';
import { CodedError } from '../../shared/contract/errors';
import { DEFAULT_ESCALATION_POLICY } from '../../shared/model/alerts';
import type { SecurityAlert } from '../../shared/schemas/security-streams';
import { deleteKeys, REDIS_URL, uniqueNamespace } from '../helpers/brokers';

const MINUTE = 60_000;
const T0 = Date.parse('2026-06-01T10:00:00Z');

function alertMsg(over: Partial<SecurityAlert> = {}): SecurityAlert {
  return {
    id: randomUUID(),
    rule_id: 'kong-admin',
    timestamp: new Date(T0).toISOString(),
    organization_id: 'org-1',
    asset_id: 'db-7',
    severity: 'critical',
    title: 'Kong Admin API exposed',
    message: 'Kong Admin API exposed without authentication',
    status: 'open',
    escalation_level: 1,
    notification_channels: ['slack'],
    metadata: {},
    ...over,
  } as SecurityAlert;
}

const once = (startsAt: number, endsAt: number, matchers: SilenceInput['matchers'] = [{ field: 'asset', op: 'equals', value: 'db-7' }]): SilenceInput => ({ matchers, schedule: { kind: 'once', startsAt, endsAt }, reason: 'db-7 maintenance' });

async function dedupKeys(redis: Redis, stream: string): Promise<string[]> {
  const rows = await redis.xrange(stream, '-', '+');
  return rows.map(([, f]) => (JSON.parse(f[1]!) as { dedup_key: string }).dedup_key).sort();
}

describe('silences on real Redis', () => {
  const clients: Redis[] = [];
  const namespaces: string[] = [];
  const client = () => {
    const r = new Redis(REDIS_URL);
    clients.push(r);
    return r;
  };
  const ns = () => {
    const n = uniqueNamespace('silences');
    namespaces.push(n);
    return n;
  };
  afterAll(async () => {
    const redis = new Redis(REDIS_URL);
    try {
      for (const n of namespaces) await deleteKeys(redis, n);
    } finally {
      redis.disconnect();
      for (const c of clients) c.disconnect();
    }
  });

  /** `count` engines on one namespace sharing a hand-moved clock, each with its own connection. */
  function engines(namespace: string, count: number, clock: { now: number }) {
    return Array.from({ length: count }, () => {
      const r = client();
      return new EscalationEngine(r, new AlertStore(r, namespace, DEFAULT_ESCALATION_POLICY), { now: () => clock.now, batch: 20 });
    });
  }

  /** Ticks every engine at once until none of them finds anything due at the clock's time. */
  async function drain(list: EscalationEngine[]) {
    const totals = { escalated: 0, resumed: 0, silenced: 0 };
    for (let round = 0; round < 50; round++) {
      const results = await Promise.all(list.map((e) => e.tick()));
      for (const r of results) {
        totals.escalated += r.escalated;
        totals.resumed += r.resumed;
        totals.silenced += r.silenced;
      }
      // Settled when no engine found anything due (an item moved to a silence's end counts as skipped).
      if (results.every((r) => r.escalated + r.resumed + r.silenced + r.dropped + r.fenced + r.skipped === 0)) return totals;
    }
    throw new Error('engines never settled');
  }

  it('adds and expires on the team audit stream; an expired silence never comes back', async () => {
    const redis = client();
    const namespace = ns();
    const store = new AlertStore(redis, namespace, DEFAULT_ESCALATION_POLICY);
    const silences = new SilenceStore(redis, namespace);
    const added = await silences.add(once(T0, T0 + 60 * MINUTE), 'Ana (ana)', T0);
    expect(added).toMatchObject({ createdBy: 'Ana (ana)', createdAt: T0, reason: 'db-7 maintenance' });
    expect((await silences.list()).map((s) => s.id)).toEqual([added.id]);

    const expired = await silences.expire(added.id, 'Bo (bo)', T0 + MINUTE);
    expect(expired).toMatchObject({ expiredAt: T0 + MINUTE, expiredBy: 'Bo (bo)' });
    const again = await silences.expire(added.id, 'Cy (cy)', T0 + 2 * MINUTE).catch((e: unknown) => e);
    expect((again as CodedError).code).toBe('VALIDATION');
    expect((await silences.get(added.id))?.expiredBy).toBe('Bo (bo)');

    const audit = await store.audit();
    expect(audit.map((a) => [a.what, a.who, a.target])).toEqual([
      ['silence.expire', 'Bo (bo)', `silence ${added.id}`],
      ['silence.add', 'Ana (ana)', `silence ${added.id}`],
    ]);
    // Inside its original window, after the expiry: the alert is not silenced.
    const msg = alertMsg();
    await store.ingest(msg, T0 + 5 * MINUTE);
    expect((await store.get(msg.id))?.silencedBy).toBeUndefined();
    expect(await dedupKeys(redis, store.keys.notificationsStream)).toEqual([`${msg.id}:L1`]);
    const never = await silences.add(once(T0 - 60 * MINUTE, T0 - MINUTE), 'Ana (ana)', T0).catch((e: unknown) => e);
    expect((never as CodedError).code).toBe('VALIDATION');
  });

  it('records a covered alert silenced with no notification, counts the match, leaves others alone', async () => {
    const redis = client();
    const namespace = ns();
    const store = new AlertStore(redis, namespace, DEFAULT_ESCALATION_POLICY);
    const silence = await store.silences.add(once(T0, T0 + 60 * MINUTE), 'Ana (ana)', T0);
    const covered = alertMsg();
    const other = alertMsg({ asset_id: 'web-1' });
    await store.ingest(covered, T0 + MINUTE);
    await store.ingest(other, T0 + MINUTE);
    const state = (await store.get(covered.id))!;
    expect(state).toMatchObject({ silencedBy: silence.id, silencedUntil: T0 + 60 * MINUTE, isNotificationWithheld: true, status: 'open', level: 1 });
    expect(state.timeline.map((t) => t.what)).toEqual(['created', 'silenced']);
    expect(await dedupKeys(redis, store.keys.notificationsStream)).toEqual([`${other.id}:L1`]);
    expect(await store.silences.matchedCounts()).toEqual({ [silence.id]: 1 });
  });

  it('three engines: silenced alerts neither notify nor escalate, and resume once from the silence end', async () => {
    const redis = client();
    const namespace = ns();
    const store = new AlertStore(redis, namespace, DEFAULT_ESCALATION_POLICY);
    const clock = { now: T0 };
    const silence = await store.silences.add(once(T0, T0 + 60 * MINUTE), 'Ana (ana)', T0);
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const m = alertMsg();
      ids.push(m.id);
      await store.ingest(m, T0);
    }
    // One is acknowledged during the silence: it resumes without a notification.
    const acked = ids[0]!;
    await store.act({ id: acked, expectedVersion: 1, action: 'ack' }, 'Ana (ana)', T0 + 10 * MINUTE);
    const list = engines(namespace, 3, clock);

    // Level 2 is due at +30 min, inside the silence: nothing fires, the items wait for its end.
    clock.now = T0 + 31 * MINUTE;
    expect(await drain(list)).toEqual({ escalated: 0, resumed: 0, silenced: 0 });
    expect(await redis.xlen(store.keys.notificationsStream)).toBe(0);
    expect(await redis.zscore(store.keys.due, `${ids[1]}:2`)).toBe(String(T0 + 60 * MINUTE));

    // The silence ends: every alert resumes exactly once, the open ones get their withheld level 1.
    clock.now = T0 + 60 * MINUTE;
    expect(await drain(list)).toEqual({ escalated: 0, resumed: 40, silenced: 0 });
    expect(await dedupKeys(redis, store.keys.notificationsStream)).toEqual(ids.slice(1).map((id) => `${id}:L1`).sort());
    const resumed = (await store.get(ids[1]!))!;
    expect(resumed).toMatchObject({ escalationBase: T0 + 60 * MINUTE, level: 1, status: 'open' });
    expect(resumed.silencedBy).toBeUndefined();
    expect(resumed.timeline.filter((t) => t.what === 'resumed')).toHaveLength(1);
    expect((await store.audit(1000)).filter((a) => a.what === 'resumed')).toHaveLength(40);
    expect(await redis.scard(store.silences.keys.marked(silence.id))).toBe(0);

    // Escalation counts from the end: level 2 at end + 30 min, once per open alert, not for the acknowledged one.
    clock.now = T0 + 89 * MINUTE;
    expect((await drain(list)).escalated).toBe(0);
    clock.now = T0 + 90 * MINUTE;
    expect((await drain(list)).escalated).toBe(39);
    const keys = await dedupKeys(redis, store.keys.notificationsStream);
    expect(keys).toHaveLength(78);
    expect(new Set(keys).size).toBe(78);
    expect(keys.some((k) => k.startsWith(acked))).toBe(false);
  });

  it('a silence added later covers an already-notified alert: no escalation, and at the end no second level 1', async () => {
    const redis = client();
    const namespace = ns();
    const store = new AlertStore(redis, namespace, DEFAULT_ESCALATION_POLICY);
    const clock = { now: T0 };
    const msg = alertMsg();
    await store.ingest(msg, T0);
    const silence = await store.silences.add(once(T0 + 20 * MINUTE, T0 + 45 * MINUTE), 'Ana (ana)', T0 + 20 * MINUTE);
    const list = engines(namespace, 2, clock);
    clock.now = T0 + 30 * MINUTE;
    expect(await drain(list)).toEqual({ escalated: 0, resumed: 0, silenced: 1 });
    expect((await store.get(msg.id))).toMatchObject({ silencedBy: silence.id, level: 1 });
    expect(await store.silences.matchedCounts()).toEqual({ [silence.id]: 1 });
    // Expired early: the alert resumes at once, not at the planned end.
    clock.now = T0 + 35 * MINUTE;
    await store.silences.expire(silence.id, 'Bo (bo)', clock.now);
    expect((await drain(list)).resumed).toBe(1);
    expect(await dedupKeys(redis, store.keys.notificationsStream)).toEqual([`${msg.id}:L1`]);
    expect((await store.get(msg.id))?.escalationBase).toBe(T0 + 35 * MINUTE);
    clock.now = T0 + 65 * MINUTE;
    expect((await drain(list)).escalated).toBe(1);
    expect(await dedupKeys(redis, store.keys.notificationsStream)).toEqual([`${msg.id}:L1`, `${msg.id}:L2`]);
  });

  it('a weekly window silences each week and resumes after each', async () => {
    const redis = client();
    const namespace = ns();
    const store = new AlertStore(redis, namespace, DEFAULT_ESCALATION_POLICY);
    // Monday 2026-06-01 12:00-13:00 Europe/Berlin = 10:00-11:00 UTC (summer time).
    const silence = await store.silences.add({ matchers: [{ field: 'severity', op: 'in', value: ['critical', 'high'] }], schedule: { kind: 'weekly', days: ['mon'], start: '12:00', end: '13:00', timeZone: 'Europe/Berlin' }, reason: 'weekly deploy' }, 'Ana (ana)', T0 - MINUTE);
    const clock = { now: T0 };
    const msg = alertMsg();
    await store.ingest(msg, T0 + MINUTE);
    expect((await store.get(msg.id))).toMatchObject({ silencedBy: silence.id, silencedUntil: T0 + 60 * MINUTE });
    clock.now = T0 + 60 * MINUTE;
    expect((await drain(engines(namespace, 2, clock))).resumed).toBe(1);
    const next = alertMsg();
    await store.ingest(next, T0 + 7 * 24 * 60 * MINUTE + 5 * MINUTE);
    expect((await store.get(next.id))?.silencedBy).toBe(silence.id);
  });

  it('the event processor writes no priority notification for a silenced event, and still raises its alert', async () => {
    const redis = client();
    const namespace = ns();
    const silences = new SilenceStore(redis, namespace);
    const random = createRandom(11);
    const covered = { ...securityEvent(random, Date.now()), severity: 'critical', asset_id: 'db-7' };
    const other = { ...securityEvent(random, Date.now()), severity: 'critical', asset_id: 'web-1' };
    await silences.add(once(Date.now() - MINUTE, Date.now() + 60 * MINUTE), 'Ana (ana)', Date.now());
    const handler = new EventHandler({ namespace, silences: () => silences.list() });
    const message = (e: unknown, id: string) => ({ id, fields: [], payload: Buffer.from(JSON.stringify(e)), attempts: 0 });
    const [a, b] = await handler.handle([message(covered, '1-0'), message(other, '2-0')]);
    const streams = (o: typeof a) => (o?.kind === 'done' ? (o.outputs ?? []).map((x) => x.stream) : []);
    expect(streams(a)).toContain(`${namespace}security.alerts`);
    expect(streams(a)).not.toContain(`${namespace}security.notifications`);
    expect(streams(b)).toContain(`${namespace}security.notifications`);
    expect(handler.silencedNotifications).toBe(1);
  });
});
