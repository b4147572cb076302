import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { DLQ_FIELDS } from '../../shared/model/dead-letter';
import { SecurityAlert, SecurityNotification, SecurityScan } from '../../shared/schemas/security-streams';
import { createRandom, securityEvent } from '../../electron/core/demo/message-factory';
import { EventHandler } from '../../electron/core/workers/processors/event-handler';
import { parseRoutingRules } from '../../electron/core/workers/routing-rules';
import { alertIdForEvent } from '../../electron/core/workers/deterministic-id';
import type { StreamConsumer } from '../../electron/core/workers/stream-consumer';
import { deleteKeys, REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { failing, testConsumer } from '../helpers/stream-workers';
import { waitFor } from '../helpers/wait';

const random = createRandom(7);
const event = (over: Record<string, unknown> = {}) => ({ ...securityEvent(random, Date.now()), ...over });
const fieldsOf = (flat: string[]) => Object.fromEntries(Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i], flat[2 * i + 1]]));

describe('event processor on Redis Streams', () => {
  const redis = new Redis(REDIS_URL);
  const namespaces: string[] = [];
  const running: StreamConsumer[] = [];

  function setup(): { ns: string; stream: string; add: (payload: unknown) => Promise<string> } {
    const ns = uniqueNamespace('wk');
    namespaces.push(ns);
    const stream = `${ns}security.events`;
    return { ns, stream, add: (payload) => redis.xadd(stream, '*', 'data', typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload)) as Promise<string> };
  }

  beforeAll(async () => {
    await redis.ping();
  });

  afterAll(async () => {
    await Promise.all(running.map((c) => c.stop()));
    for (const ns of namespaces) {
      await deleteKeys(redis, ns);
    }
    redis.disconnect();
  });

  async function start(consumer: StreamConsumer): Promise<StreamConsumer> {
    running.push(consumer);
    await consumer.start();
    return consumer;
  }

  it('applies each seed routing rule: critical → alert + priority notification, exposure → alert, Kong/K8s config change → audit scan, others → nothing; invalid → DLQ with the reason', async () => {
    const { ns, stream, add } = setup();
    const critical = event({ severity: 'critical', event_type: 'k8s_privileged_pod', source: 'k8s_monitor' });
    const exposure = event({ severity: 'medium', event_type: 'github_secret_exposure', source: 'github_scanner' });
    const kongConfig = event({ severity: 'low', event_type: 'kong_plugin_config_change', source: 'kong_monitor' });
    const githubConfig = event({ severity: 'low', event_type: 'github_repo_config_change', source: 'github_scanner' });
    const plain = event({ severity: 'medium', event_type: 'fly_machine_public_port', source: 'fly_monitor' });
    for (const e of [critical, exposure, kongConfig, githubConfig, plain]) await add(e);
    await add('{"id": "x", "severity": "nope"}');
    const consumer = await start(testConsumer({ namespace: ns, stream, group: 'event-processors', handler: new EventHandler({ namespace: ns }) }));
    await waitFor(() => consumer.status().counters.processed === 5 && consumer.status().counters.deadLettered === 1, 'all six handled');

    const alerts = ((await redis.xrange(`${ns}security.alerts`, '-', '+')) as [string, string[]][]).map(([, f]) => SecurityAlert.parse(JSON.parse(fieldsOf(f).data!)));
    expect(alerts.map((a) => a.id).sort()).toEqual([alertIdForEvent(critical.id as string), alertIdForEvent(exposure.id as string)].sort());
    expect(alerts.find((a) => a.id === alertIdForEvent(critical.id as string))!.metadata.event_id).toBe(critical.id);
    const notifications = ((await redis.xrange(`${ns}security.notifications`, '-', '+')) as [string, string[]][]).map(([, f]) => SecurityNotification.parse(JSON.parse(fieldsOf(f).data!)));
    expect(notifications).toHaveLength(2);
    expect(notifications.every((n) => n.priority === 'immediate')).toBe(true);
    const scans = ((await redis.xrange(`${ns}security.scans`, '-', '+')) as [string, string[]][]).map(([, f]) => SecurityScan.parse(JSON.parse(fieldsOf(f).data!)));
    expect(scans.map((s) => s.parameters.trigger_event_id)).toEqual([kongConfig.id]);
    const dlq = (await redis.xrange(`${ns}security.events.dlq`, '-', '+')) as [string, string[]][];
    expect(dlq).toHaveLength(1);
    const dead = fieldsOf(dlq[0]![1]);
    expect(dead[DLQ_FIELDS.error]).toMatch(/not a seed 000 security event/);
    expect(dead[DLQ_FIELDS.originStream]).toBe(stream);
    expect(dead[DLQ_FIELDS.originGroup]).toBe('event-processors');
    expect(Number(dead[DLQ_FIELDS.attempts])).toBe(1);
    // Everything acknowledged: nothing pending in the group.
    expect(((await redis.xpending(stream, 'event-processors')) as [number])[0]).toBe(0);
  });

  it('retries a poison message with exponential backoff and ±25 % jitter, then dead-letters it after max_retries with its bytes unchanged', async () => {
    const { ns, stream, add } = setup();
    const poison = event();
    const good = event();
    const poisonId = await add(poison);
    await add(good);
    const handler = failing(new EventHandler({ namespace: ns, retryPolicy: { maxRetries: 3, backoff: { type: 'exponential', baseMs: 150 }, jitter: 0.25 } }), (m) => m.id === poisonId);
    const consumer = await start(testConsumer({ namespace: ns, stream, group: 'event-processors', handler }));
    await waitFor(() => consumer.status().counters.deadLettered === 1, 'the poison message dead-lettered');
    const times = handler.attempts.get(poisonId)!;
    expect(times).toHaveLength(4);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    // Nominal 150, 300, 600 ms; jitter may shorten each by at most 25 %.
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(150 * 2 ** i * 0.75 - 5));
    expect(gaps[2]!).toBeGreaterThan(gaps[0]!);
    const status = consumer.status();
    expect(status.counters).toMatchObject({ processed: 1, retries: 3, failures: 4, deadLettered: 1 });
    const [, fields] = ((await redis.xrange(`${ns}security.events.dlq`, '-', '+')) as [string, string[]][])[0]!;
    const dead = fieldsOf(fields);
    expect(dead.data).toBe(JSON.stringify(poison));
    expect(dead[DLQ_FIELDS.originId]).toBe(poisonId);
    expect(Number(dead[DLQ_FIELDS.attempts])).toBe(4);
    expect(dead[DLQ_FIELDS.error]).toContain('injected failure');
  });

  it('dead-letters a binary payload byte for byte', async () => {
    const { ns, stream } = setup();
    const bytes = Buffer.concat([Buffer.from([0, 255, 254, 0x80, 0xc3]), randomBytes(4096)]);
    await redis.xadd(stream, '*', 'data', bytes, 'source_host', 'edge-7');
    const consumer = await start(testConsumer({ namespace: ns, stream, group: 'event-processors', handler: new EventHandler({ namespace: ns }) }));
    await waitFor(() => consumer.status().counters.deadLettered === 1, 'binary entry dead-lettered');
    const [, fields] = ((await redis.xrangeBuffer(`${ns}security.events.dlq`, '-', '+')) as [Buffer, Buffer[]][])[0]!;
    const index = fields.findIndex((f) => f.toString() === 'data');
    expect(Buffer.compare(fields[index + 1]!, bytes)).toBe(0);
    expect(fields.map((f) => f.toString())).toContain('source_host');
    expect(fields[fields.findIndex((f) => f.toString() === DLQ_FIELDS.error) + 1]!.toString()).toMatch(/not JSON/);
  });

  it('skips a second entry with an already-processed event id within the window, and counts it', async () => {
    const { ns, stream, add } = setup();
    const critical = event({ severity: 'critical' });
    await add(critical);
    await add(critical);
    await add(event({ severity: 'critical' }));
    const consumer = await start(testConsumer({ namespace: ns, stream, group: 'event-processors', handler: new EventHandler({ namespace: ns }) }));
    await waitFor(() => consumer.status().counters.processed + consumer.status().counters.duplicates === 3, 'three handled');
    expect(consumer.status().counters.duplicates).toBe(1);
    expect(await redis.xlen(`${ns}security.alerts`)).toBe(2);
  });

  it('takes fewer loops while paused (the surplus loops end without a resume), then processes on resume', async () => {
    const { ns, stream, add } = setup();
    const consumer = await start(testConsumer({ namespace: ns, stream, group: 'event-processors', handler: new EventHandler({ namespace: ns }), settings: { concurrency: 3, batch: 10 } }));
    await waitFor(() => consumer.status().state === 'running', 'the three loops connected');
    await consumer.pause();
    // Five block periods: every loop has come back from its read and waits out the pause.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const configured = consumer.configure({ concurrency: 1 }).then(() => 'configured');
    const outcome = await Promise.race([configured, new Promise((resolve) => setTimeout(() => resolve('still waiting for the paused loops'), 10_000))]);
    expect(outcome).toBe('configured');
    expect(consumer.status().settings).toEqual({ concurrency: 1, batch: 10 });
    await add(event({ severity: 'low' }));
    await consumer.resume();
    await waitFor(() => consumer.status().counters.processed === 1, 'the entry added while paused, processed after the resume');
  });

  it('processed + dead-lettered = produced, counted by id, over 100,000 events with 1 % random handler failures and two consumers', async () => {
    const { ns, stream } = setup();
    const rules = parseRoutingRules(`routing_rules:\n  everything:\n    conditions:\n      - severity IN ("critical", "high", "medium", "low", "info")\n    destinations:\n      - test.sink (all)\n`);
    const total = 100_000;
    const ids: string[] = [];
    let pipeline = redis.pipeline();
    for (let i = 0; i < total; i++) {
      const e = event({ id: randomUUID() });
      ids.push(e.id as string);
      pipeline.xadd(stream, '*', 'data', JSON.stringify(e));
      if (pipeline.length >= 5000) {
        await pipeline.exec();
        pipeline = redis.pipeline();
      }
    }
    await pipeline.exec();
    // Each attempt fails with 1 % chance; one event in 200 always fails (poison), so both outcomes occur.
    const rand = createRandom(99);
    const poison = new Set(ids.filter((_, i) => i % 200 === 7));
    const inner = new EventHandler({ namespace: ns, rules, retryPolicy: { maxRetries: 3, backoff: { type: 'exponential', baseMs: 20 }, jitter: 0.25 } });
    const handler = failing(inner, (m) => rand() < 0.01 || poison.has(JSON.parse(m.payload!.toString()).id));
    const a = await start(testConsumer({ namespace: ns, stream, group: 'event-processors', handler, settings: { concurrency: 2, batch: 500 } }));
    const b = await start(testConsumer({ namespace: ns, stream, group: 'event-processors', handler, settings: { concurrency: 1, batch: 500 }, consumerPrefix: 'other-host-1' }));
    const done = () => {
      const [x, y] = [a.status().counters, b.status().counters];
      return x.processed + y.processed + x.deadLettered + y.deadLettered === total;
    };
    await waitFor(done, 'every event processed or dead-lettered', 120_000, 200);
    const sink = new Set<string>();
    for (const [, fields] of (await redis.xrange(`${ns}test.sink`, '-', '+')) as [string, string[]][]) sink.add(JSON.parse(fieldsOf(fields).data!).id);
    const dead = new Set<string>();
    for (const [, fields] of (await redis.xrange(`${ns}security.events.dlq`, '-', '+')) as [string, string[]][]) dead.add(JSON.parse(fieldsOf(fields).data!).id);
    expect(await redis.xlen(`${ns}test.sink`)).toBe(sink.size);
    expect(dead).toEqual(poison);
    expect(sink.size + dead.size).toBe(total);
    for (const id of ids) expect(sink.has(id) !== dead.has(id)).toBe(true);
    expect(a.status().counters.retries + b.status().counters.retries).toBeGreaterThan(poison.size * 3);
  }, 180_000);
});
