import amqp from 'amqplib';
import { Redis } from 'ioredis';
import type { PayloadOf, TopicName } from '../../shared/contract/events';
import type { EnvironmentInput } from '../../shared/model/environment';
import type { EnvironmentOverview } from '../../shared/model/overview';
import { topologyFor } from '../../shared/model/topology';
import { AppCore, type AppCoreOptions } from '../../electron/core/app-core';
import type { ConfirmAction } from '../../shared/contract/method-groups/confirm';
import { DEFAULT_BULL_OPTIONS } from '../../electron/core/monitor/bull-monitor';
import { FileSecretStore } from '../../electron/core/environments/file-secret-store';
import { AMQP_URL, deleteKeys, MANAGEMENT_URL, REDIS_URL, tempHome } from './brokers';
import { waitFor } from './wait';

export interface TestCore {
  core: AppCore;
  envId: string;
  home: string;
  logs: string[];
  /** The newest overview of the test environment, from pushed events. */
  latest(): EnvironmentOverview | undefined;
  /** Waits for a pushed overview satisfying `predicate`. */
  waitForOverview(predicate: (o: EnvironmentOverview) => boolean, what: string, timeoutMs?: number): Promise<EnvironmentOverview>;
  events<T extends TopicName>(topic: T): PayloadOf<T>[];
  close(): Promise<void>;
}

/**
 * A core with one environment of its own (under `namespace`) pointing at the given brokers, with
 * a fast monitor, results checked against the contract, and every log line kept for inspection.
 */
export async function createTestCore(namespace: string, input: Partial<EnvironmentInput> = {}, coreOptions: Partial<AppCoreOptions> = {}): Promise<TestCore> {
  const home = tempHome();
  const logs: string[] = [];
  const core = await AppCore.create({
    home: home.dir,
    secretStore: new FileSecretStore(home.dir),
    mode: 'browser',
    version: 'test',
    shouldStartRuntimes: false,
    shouldValidateResults: true,
    monitorOptions: { tickMs: 200, discoveryEveryMs: 400 },
    bullOptions: { ...DEFAULT_BULL_OPTIONS, tickMs: 250, discoveryEveryMs: 500 },
    writeLog: (line) => logs.push(line),
    alertOptions: { pollMs: 100, engine: { tickMs: 100 } },
    ...coreOptions,
  });
  const added = await core.call('environments.add', {
    name: `Test ${namespace}`,
    namespace,
    redis: { url: REDIS_URL },
    amqp: { url: AMQP_URL },
    managementUrl: MANAGEMENT_URL,
    ...input,
  });
  if (!added.ok) throw new Error(added.error.message);
  const envId = added.value.id;
  const seen = new Map<TopicName, unknown[]>();
  let latest: EnvironmentOverview | undefined;
  for (const topic of ['overview.tick', 'environments.changed', 'demo.status', 'bullmq.tick', 'pubsub.messages', 'alerts.changed', 'workers.changed'] as const) {
    core.on(topic, (payload) => {
      seen.set(topic, [...(seen.get(topic) ?? []), payload]);
      if (topic === 'overview.tick') {
        const mine = (payload as PayloadOf<'overview.tick'>).overviews.find((o) => o.envId === envId);
        if (mine) latest = mine;
      }
    });
  }
  await core.startRuntimes([envId]);
  return {
    core,
    envId,
    home: home.dir,
    logs,
    latest: () => latest,
    waitForOverview: (predicate, what, timeoutMs) => waitFor(() => (latest && predicate(latest) ? latest : undefined), what, timeoutMs),
    events: <T extends TopicName>(topic: T) => (seen.get(topic) ?? []) as PayloadOf<T>[],
    close: async () => {
      await core.close();
      home.cleanup();
    },
  };
}

/** Deletes every Redis key and RabbitMQ queue/exchange a namespace created. */
export async function cleanupNamespace(namespace: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    await deleteKeys(redis, namespace);
  } finally {
    redis.disconnect();
  }
  const connection = await amqp.connect(AMQP_URL);
  try {
    const channel = await connection.createChannel();
    const topology = topologyFor(namespace);
    for (const q of topology.queues) {
      await channel.deleteQueue(q.name);
      await channel.deleteQueue(q.deadLetterQueue);
    }
    await channel.deleteExchange(topology.exchange);
    await channel.deleteExchange(topology.deadLetterExchange);
  } finally {
    await connection.close();
  }
}

type ConfirmedMethod = 'queues.purge' | 'bullmq.drain' | 'bullmq.clean' | 'dlq.purge' | 'dlq.purgeIds' | 'dlq.replay' | 'streams.deleteConsumer';

/**
 * Calls a destructive method the way the UI does: asks the core for a confirmation token with the
 * name typed (`typed`, the target by default), then calls with it. A refused confirmation (wrong
 * text, read-only, role) comes back as that failure.
 */
export async function callConfirmed<M extends ConfirmedMethod>(
  core: AppCore,
  method: M,
  params: Omit<import('../../shared/contract/methods').ParamsOf<M>, 'confirmToken'>,
  typed?: string,
): Promise<import('../../shared/contract/result').Result<import('../../shared/contract/methods').ResultOf<M>>> {
  const p = params as { envId: string; queue?: string; source?: string; consumer?: string };
  const target = p.queue ?? p.source ?? p.consumer ?? '';
  const action: ConfirmAction = method === 'dlq.purgeIds' ? 'dlq.purge' : method;
  const issued = await core.call('confirm.issue', { envId: p.envId, action, target, typed: typed ?? target });
  if (!issued.ok) return issued;
  return core.call(method, { ...params, confirmToken: issued.value.token } as import('../../shared/contract/methods').ParamsOf<M>);
}
