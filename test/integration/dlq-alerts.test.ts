import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { DLQ_ALERT_TITLE, DlqAlertWatch } from '../../electron/core/alerts/dlq-alert-watch';
import { RETENTION_BATCH, SEED_DLQ_RETENTION } from '../../electron/core/dead-letters/dlq-retention';
import { alertKeys, type AlertState } from '../../shared/model/alerts';
import { deleteKeys, REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { cleanupNamespace, createTestCore } from '../helpers/core';
import { waitFor } from '../helpers/wait';

/** Seed 000's DLQ alerts: the priority DLQ alerts at once, the events DLQ at 100 entries; raised once however many watch. */
describe('dead-letter alerts', () => {
  const redis = new Redis(REDIS_URL);
  const namespaces: string[] = [];
  afterAll(async () => {
    for (const ns of namespaces) await deleteKeys(redis, ns);
    redis.disconnect();
  });

  const alertsOf = async (ns: string) => (await redis.xrange(`${ns}security.alerts`, '-', '+')).map(([, f]) => JSON.parse(f[1]!) as { id: string; title: string; severity: string; message: string; metadata: Record<string, unknown> });
  const deadLetter = (ns: string, stream: string, payload: unknown, error = 'webhook answered 503') =>
    redis.xadd(`${ns}${stream}`, '*', 'data', JSON.stringify(payload), 'dlq_origin_stream', `${ns}security.notifications`, 'dlq_error', error, 'dlq_attempts', '6');

  it('an entry reaching the priority DLQ raises one alert at once, whichever of two watchers sees it', async () => {
    const ns = uniqueNamespace('dlqalert');
    namespaces.push(ns);
    await deadLetter(ns, 'security.notifications.priority.dlq', { title: 'old, before any watcher' });
    const a = new DlqAlertWatch(redis, { namespace: ns, organizationId: 'env-1', everyMs: 0 });
    const b = new DlqAlertWatch(redis, { namespace: ns, organizationId: 'env-1', everyMs: 0 });
    expect(await a.check()).toBe(0); // starts at the DLQ's end: history raises nothing
    for (let i = 0; i < 3; i++) await deadLetter(ns, 'security.notifications.priority.dlq', { dedup_key: `a${i}:L1`, alert_id: `a${i}`, title: `Kong exposed ${i}`, severity: 'critical', level: 1, recipients: [], channels: ['slack'] });
    const raised = await Promise.all([a.check(), b.check(), a.check(), b.check()]);
    expect(raised.reduce((x, y) => x + y, 0)).toBe(1);
    let alerts = await alertsOf(ns);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ severity: 'critical', title: `${DLQ_ALERT_TITLE}${ns}security.notifications.priority.dlq: 3 notifications could not be delivered`, metadata: { count: 3, source: 'watchfloor.dlq-watch' } });
    expect(alerts[0]!.message).toContain('Kong exposed 0 (webhook answered 503)');

    // The dead-lettered notification of a DLQ alert raises no alert about itself (no feedback loop).
    await deadLetter(ns, 'security.notifications.priority.dlq', { dedup_key: 'x:L1', alert_id: alerts[0]!.id, title: alerts[0]!.title, severity: 'critical', level: 1, recipients: [], channels: ['email'] });
    expect(await a.check()).toBe(0);
    await deadLetter(ns, 'security.notifications.priority.dlq', { notification_id: 'n-9', channel: 'slack', recipient: 'x', priority: 'immediate', template: 't', payload: { title: 'Breach', message: 'm', severity: 'critical' } });
    expect(await b.check()).toBe(1);
    alerts = await alertsOf(ns);
    expect(alerts.map((x) => x.title)).toEqual([expect.stringContaining('3 notifications'), expect.stringContaining('a notification could not be delivered')]);
  });

  it('the events DLQ alerts once when it reaches 100 entries, and again only after it went back under', async () => {
    const ns = uniqueNamespace('dlqthr');
    namespaces.push(ns);
    const watch = new DlqAlertWatch(redis, { namespace: ns, organizationId: 'env-1', everyMs: 0 });
    const dlq = `${ns}security.events.dlq`;
    const fill = async (n: number) => {
      const pipe = redis.pipeline();
      for (let i = 0; i < n; i++) pipe.xadd(dlq, '*', 'data', '{}', 'dlq_error', 'schema: bad');
      await pipe.exec();
    };
    await fill(99);
    expect(await watch.check()).toBe(0);
    await fill(1);
    expect(await watch.check()).toBe(1);
    await fill(10);
    expect(await watch.check()).toBe(0);
    await redis.xtrim(dlq, 'MAXLEN', 50);
    expect(await watch.check()).toBe(0);
    await fill(60);
    expect(await watch.check()).toBe(1);
    const alerts = await alertsOf(ns);
    expect(alerts.map((a) => [a.severity, a.metadata.count])).toEqual([['medium', 100], ['medium', 110]]);
  });

  it('a server-only deployment raises it: the escalation processor watches, the alert processor stores the alert', async () => {
    const ns = uniqueNamespace('dlqwork');
    // The console here neither ingests nor watches: only the workers do.
    const t = await createTestCore(ns, {}, { alertOptions: { passive: true, watchDeadLetters: false } });
    try {
      expect((await t.core.call('workers.start', { envId: t.envId, only: ['alert', 'escalation'] })).ok).toBe(true);
      const cursor = `${ns}watchfloor:dlq-alerts:security.notifications.priority.dlq:cursor`;
      await waitFor(() => redis.exists(cursor), 'the watch to take its starting point');
      await waitFor(async () => ((await redis.xinfo('GROUPS', `${ns}security.alerts`)) as unknown[]).length > 0, 'the alert-manager group');
      await deadLetter(ns, 'security.notifications.priority.dlq', { dedup_key: 'z:L1', alert_id: 'z', title: 'Root login', severity: 'critical', level: 1, recipients: [], channels: ['slack'] });
      const keys = alertKeys(ns);
      const stored = await waitFor(async () => {
        const ids = await redis.zrange(keys.index, '0', '-1');
        const states = await Promise.all(ids.map(async (id) => JSON.parse((await redis.hget(keys.alert(id), 'json'))!) as AlertState));
        return states.find((s) => s.title.startsWith(DLQ_ALERT_TITLE));
      }, 'the DLQ alert in the alert store');
      expect(stored).toMatchObject({ severity: 'critical', status: 'open', level: 1 });
    } finally {
      await t.close();
      await cleanupNamespace(ns);
    }
  });
  it('retention trims a DLQ over its cap (and what is too old) to the cap: counted, audited and alerted once, by one of two racing watchers', async () => {
    const ns = uniqueNamespace('dlqret');
    namespaces.push(ns);
    expect(SEED_DLQ_RETENTION).toEqual([
      { dlq: 'security.events.dlq', maxAgeMs: 7 * 86_400_000, maxLength: 10_000 },
      { dlq: 'security.notifications.priority.dlq', maxAgeMs: 30 * 86_400_000, maxLength: 1_000 },
    ]);
    const events = `${ns}security.events.dlq`;
    const priority = `${ns}security.notifications.priority.dlq`;
    const now = Date.now();
    const pipe = redis.pipeline();
    for (let i = 0; i < 5; i++) pipe.xadd(events, `${now - 8 * 86_400_000}-${i}`, 'data', '{}', 'dlq_error', `old ${i}`);
    for (let i = 0; i < 30; i++) pipe.xadd(events, '*', 'data', '{}', 'dlq_error', `fresh ${i}`);
    // Under its cap, but older than the seed's 30 days: all of it goes (MAXLEN 0).
    for (let i = 0; i < 3; i++) pipe.xadd(priority, `${now - 31 * 86_400_000}-${i}`, 'data', '{}', 'dlq_error', `ancient ${i}`);
    await pipe.exec();
    const freshIds = (await redis.xrange(events, '-', '+')).slice(5).map(([id]) => id);
    const rules = [{ dlq: 'security.events.dlq', maxAgeMs: 7 * 86_400_000, maxLength: 20 }, SEED_DLQ_RETENTION[1]!];
    const watcher = (name: string) => new DlqAlertWatch(redis, { namespace: ns, organizationId: 'env-1', everyMs: 0, retention: { rules, everyMs: 0, who: `system: DLQ retention (${name})` } });
    const [a, b] = [watcher('a'), watcher('b')];

    const raised = await Promise.all([a.check(), b.check()]);
    // Two alerts in all, one per trimmed DLQ, whichever watcher trimmed.
    expect(raised[0]! + raised[1]!).toBe(2);
    expect(await redis.xlen(events)).toBe(20);
    expect((await redis.xrange(events, '-', '+')).map(([id]) => id)).toEqual(freshIds.slice(10));
    expect(await redis.xlen(priority)).toBe(0);
    expect(a.retention!.trimmed + b.retention!.trimmed).toBe(18);

    const auditOf = async () => (await redis.xrange(`${ns}watchfloor:audit`, '-', '+')).map(([, f]) => JSON.parse(f[1]!) as { who: string; what: string; alertId: string; after: { dlq: string; trimmed: number }; reason: string });
    let audit = await auditOf();
    expect(audit).toHaveLength(2);
    expect(audit[0]).toMatchObject({ what: 'dlq.trim', who: expect.stringMatching(/^system: DLQ retention \((a|b)\)$/), after: { dlq: events, trimmed: 15 } });
    expect(audit[0]!.reason).toContain(`retention 7 d / 20 entries (seed 000 dead_letter_queues): 15 oldest entries removed from ${events}`);
    expect(audit[1]).toMatchObject({ what: 'dlq.trim', after: { dlq: priority, trimmed: 3 } });
    let alerts = await alertsOf(ns);
    // One alert per DLQ trim episode: events and priority each had one.
    expect(alerts.map((x) => x.title)).toEqual([`${DLQ_ALERT_TITLE}${events}: 15 trimmed by retention (7 d / 20 entries)`, `${DLQ_ALERT_TITLE}${priority}: 3 trimmed by retention (30 d / 1000 entries)`]);
    expect(alerts[0]).toMatchObject({ severity: 'high', metadata: { source: 'watchfloor.dlq-retention', dlq: events, trimmed: 15, max_length: 20 } });
    expect(audit[0]!.alertId).toBe(alerts[0]!.id);

    // More dead letters over the cap in the same episode: trimmed and audited again, no second alert.
    for (let i = 0; i < 5; i++) await redis.xadd(events, '*', 'data', '{}', 'dlq_error', `later ${i}`);
    expect((await Promise.all([a.check(), b.check()])).reduce((x, y) => x + y, 0)).toBe(0);
    expect(await redis.xlen(events)).toBe(20);
    audit = await auditOf();
    expect(audit.map((e) => e.after.trimmed)).toEqual([15, 3, 5]);
    expect(audit[2]!.alertId).toBe(alerts[0]!.id);
    // The watcher that trimmed the events DLQ holds its lease: it trims it again, the other does not.
    expect(audit[2]!.who).toBe(audit[0]!.who);
    alerts = await alertsOf(ns);
    expect(alerts).toHaveLength(2);
    // Under the cap and young: nothing to do, nothing written.
    await Promise.all([a.check(), b.check()]);
    expect(await auditOf()).toHaveLength(3);
  });

  it('a backlog larger than one batch is trimmed in several audited runs, to the cap exactly', async () => {
    const ns = uniqueNamespace('dlqbig');
    namespaces.push(ns);
    const events = `${ns}security.events.dlq`;
    const total = RETENTION_BATCH * 2 + 500;
    for (let done = 0; done < total; done += 1000) {
      const pipe = redis.pipeline();
      for (let i = done; i < Math.min(total, done + 1000); i++) pipe.xadd(events, '*', 'data', '{}', 'dlq_error', `e ${i}`);
      await pipe.exec();
    }
    const last = (await redis.xrevrange(events, '+', '-', 'COUNT', 100)).map(([id]) => id).reverse();
    const watch = new DlqAlertWatch(redis, { namespace: ns, organizationId: 'env-1', everyMs: 0, retention: { rules: [{ dlq: 'security.events.dlq', maxAgeMs: 86_400_000, maxLength: 100 }], everyMs: 0 } });
    await watch.check();
    expect((await redis.xrange(events, '-', '+')).map(([id]) => id)).toEqual(last);
    const audit = (await redis.xrange(`${ns}watchfloor:audit`, '-', '+')).map(([, f]) => JSON.parse(f[1]!) as { who: string; after: { trimmed: number } });
    expect(audit.map((e) => e.after.trimmed)).toEqual([RETENTION_BATCH, RETENTION_BATCH, 400]);
    expect(audit[0]!.who).toMatch(/^system: DLQ retention \(/);
    // One retention alert for the three runs (the other is the events DLQ's 100-entry threshold alert).
    expect((await alertsOf(ns)).filter((x) => x.metadata.source === 'watchfloor.dlq-retention').map((x) => x.metadata.trimmed)).toEqual([RETENTION_BATCH]);
  });
});
