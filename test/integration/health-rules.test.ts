import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { AppCore } from '../../electron/core/app-core';
import { FileSecretStore } from '../../electron/core/environments/file-secret-store';
import { DEFAULT_HEALTH_RULES, type FiringRule, type HealthRule } from '../../shared/model/health-rules';
import { SecurityAlert } from '../../shared/schemas/security-streams';
import { AMQP_URL, REDIS_URL, uniqueNamespace } from '../helpers/brokers';
import { cleanupNamespace, createTestCore, type TestCore } from '../helpers/core';
import { waitFor } from '../helpers/wait';

/** Only `kind` enabled, with a low threshold and no waiting. */
function onlyRule(kind: HealthRule['kind'], threshold: number): HealthRule[] {
  return DEFAULT_HEALTH_RULES.map((rule) => (rule.kind === kind && rule.id !== 'queue-depth-10000' ? { ...rule, threshold, forSeconds: 0 } : { ...rule, enabled: false }));
}

async function setRules(t: TestCore, rules: HealthRule[]): Promise<void> {
  const result = await t.core.call('rules.update', { envId: t.envId, rules });
  if (!result.ok) throw new Error(result.error.message);
}

async function firing(t: TestCore): Promise<FiringRule[]> {
  const result = await t.core.call('rules.get', { envId: t.envId });
  if (!result.ok) throw new Error(result.error.message);
  return result.value.firing;
}

/** A stream with a group that has read nothing: its lag is the entry count. */
async function laggingStream(redis: Redis, name: string, entries: number): Promise<void> {
  await redis.xgroup('CREATE', name, 'alert-engine', '0', 'MKSTREAM');
  for (let i = 0; i < entries; i++) await redis.xadd(name, '*', 'data', JSON.stringify({ n: i }));
}

describe('queue-health rules on real brokers', () => {
  const redis = new Redis(REDIS_URL);
  const cores: TestCore[] = [];
  const namespaces: string[] = [];
  const start = async (ns: string, input = {}) => {
    const t = await createTestCore(ns, input);
    cores.push(t);
    return t;
  };
  const namespace = (label: string) => {
    const ns = uniqueNamespace(label);
    namespaces.push(ns);
    return ns;
  };

  afterAll(async () => {
    await Promise.all(cores.map((t) => t.close()));
    for (const ns of namespaces) await cleanupNamespace(ns);
    redis.disconnect();
  });

  it('a lag rule fires and writes exactly one seed-000 alert to the namespaced security.alerts, even with two consoles', async () => {
    const ns = namespace('rules-lag');
    await laggingStream(redis, `${ns}security.events`, 20);
    const a = await start(ns, { amqp: null, managementUrl: null });
    const b = await start(ns, { amqp: null, managementUrl: null });
    const pushed: FiringRule[][] = [];
    a.core.on('rules.firing', ({ updates }) => pushed.push(...updates.filter((u) => u.envId === a.envId).map((u) => u.firing)));
    await setRules(a, onlyRule('consumer-lag', 5));
    await setRules(b, onlyRule('consumer-lag', 5));

    const settled = (f: FiringRule[]) => f.find((x) => x.ruleId === 'consumer-lag' && x.alert.state !== 'pending');
    const [firedA, firedB] = await Promise.all([
      waitFor(async () => settled(await firing(a)), 'console A firing'),
      waitFor(async () => settled(await firing(b)), 'console B firing'),
    ]);
    expect(firedA.subject).toBe(`${ns}security.events / alert-engine`);
    expect(firedA.value).toBe(20);
    expect([firedA.alert.state, firedB.alert.state].sort()).toEqual(['already-written', 'written']);

    // Both keep evaluating every tick: still one alert after several more ticks.
    const ticks = a.events('overview.tick').length;
    await waitFor(() => a.events('overview.tick').length >= ticks + 5, 'five more ticks');
    await a.core.health.idle();
    await b.core.health.idle();
    const entries = await redis.xrange(`${ns}security.alerts`, '-', '+', 'COUNT', 10);
    expect(entries).toHaveLength(1);
    const [, fields] = entries[0]!;
    expect(fields[0]).toBe('data');
    const alert = SecurityAlert.parse(JSON.parse(fields[1]!));
    expect(alert).toMatchObject({ severity: 'high', status: 'open', asset_id: `${ns}security.events / alert-engine` });
    expect(alert.id).toBe(firedA.alert.state === 'written' ? firedA.alert.alertId : firedB.alert.alertId);

    // The firing state was pushed (batched) to listeners.
    await waitFor(() => pushed.some((list) => list.some((f) => f.ruleId === 'consumer-lag' && f.alert.state !== 'pending')), 'rules.firing push');

    // Resolves when the group catches up.
    await redis.xreadgroup('GROUP', 'alert-engine', 'c1', 'COUNT', 100, 'STREAMS', `${ns}security.events`, '>');
    await waitFor(async () => (await firing(a)).length === 0, 'resolved');
    await waitFor(() => pushed.at(-1)?.length === 0, 'pushed resolution');
  });

  it('a read-only environment reports the rule firing but writes nothing', async () => {
    const ns = namespace('rules-ro');
    await laggingStream(redis, `${ns}security.events`, 10);
    const t = await start(ns, { amqp: null, managementUrl: null, production: true });
    await setRules(t, onlyRule('consumer-lag', 3));
    const fired = await waitFor(async () => (await firing(t)).find((f) => f.ruleId === 'consumer-lag'), 'firing on read-only');
    expect(fired.alert).toEqual({ state: 'read-only', alertId: null, note: 'not written: read-only environment' });
    const state = await t.core.call('rules.get', { envId: t.envId });
    expect(state.ok && state.value.isReadOnly).toBe(true);
    const ticks = t.events('overview.tick').length;
    await waitFor(() => t.events('overview.tick').length >= ticks + 3, 'three more ticks');
    expect(await redis.exists(`${ns}security.alerts`)).toBe(0);
  });

  it('a RabbitMQ depth rule fires on a namespaced queue holding more messages than the threshold', async () => {
    const ns = namespace('rules-mq');
    const queue = `${ns}depth_queue`;
    const connection = await amqp.connect(AMQP_URL);
    try {
      const channel = await connection.createConfirmChannel();
      await channel.assertQueue(queue, { durable: false });
      for (let i = 0; i < 8; i++) channel.sendToQueue(queue, Buffer.from(`m${i}`));
      await channel.waitForConfirms();
      const t = await start(ns);
      await setRules(t, onlyRule('queue-depth', 5));
      const fired = await waitFor(async () => (await firing(t)).find((f) => f.subject === `rabbitmq:${queue}` && f.alert.state === 'written'), 'depth rule written', 30_000);
      expect(fired).toMatchObject({ ruleId: 'queue-depth-1000', value: 8, severity: 'medium' });
      const entries = await redis.xrange(`${ns}security.alerts`, '-', '+', 'COUNT', 10);
      expect(entries).toHaveLength(1);
      expect(SecurityAlert.parse(JSON.parse(entries[0]![1][1]!)).asset_id).toBe(`rabbitmq:${queue}`);
      await channel.deleteQueue(queue);
    } finally {
      await connection.close();
    }
  });

  it('refuses invalid rules and keeps saved rules across a core restart', async () => {
    const ns = namespace('rules-persist');
    const t = await start(ns, { amqp: null, managementUrl: null });
    const bad = await t.core.call('rules.update', { envId: t.envId, rules: [{ ...DEFAULT_HEALTH_RULES[0]!, threshold: -1 }] });
    expect(bad.ok ? null : bad.error.code).toBe('VALIDATION');
    const tooLong = await t.core.call('rules.update', { envId: t.envId, rules: [{ ...DEFAULT_HEALTH_RULES[0]!, forSeconds: 90_000 }] });
    expect(tooLong.ok).toBe(false);

    const rules = onlyRule('consumer-lag', 42);
    await setRules(t, rules);
    const again = await AppCore.create({ home: t.home, secretStore: new FileSecretStore(t.home), mode: 'browser', version: 'test', shouldStartRuntimes: false, writeLog: () => undefined });
    try {
      const loaded = await again.call('rules.get', { envId: t.envId });
      expect(loaded.ok && loaded.value).toMatchObject({ isDefault: false, rules, alertStream: `${ns}security.alerts` });
      const reset = await again.call('rules.reset', { envId: t.envId });
      expect(reset.ok && reset.value).toMatchObject({ isDefault: true, rules: DEFAULT_HEALTH_RULES });
    } finally {
      await again.close();
    }
  });
});
