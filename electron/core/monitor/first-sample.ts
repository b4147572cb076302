import type { BullOverview } from '../../../shared/model/bullmq';
import type { EnvironmentOverview } from '../../../shared/model/overview';
import type { EnvironmentRuntime } from '../environments/environment-runtime';

// For one-shot callers (the CLI): the monitor's first complete sample, rather than whatever the
// runtime has a moment after it started.

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The environment's overview once the monitor has a full sample (or its brokers are known to be
 * down), at most `ms` of waiting. With `rates`, a second tick a second later gives added/s and read/s.
 */
export async function firstOverview(runtime: EnvironmentRuntime, { ms = 8000, rates = false } = {}): Promise<EnvironmentOverview> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    await runtime.monitor.tick();
    const s = runtime.monitor.snapshot();
    // A large keyspace takes several bounded SCAN steps: wait for the whole pass, not the first step.
    const redisDone = s.redis.status.state !== 'connected' ? s.redis.status.state !== 'connecting' : s.redis.streams !== null && runtime.monitor.hasDiscoveredStreams;
    const amqpDone = s.amqp.status.state !== 'connected' ? s.amqp.status.state !== 'connecting' : s.amqp.queues !== null;
    if (redisDone && amqpDone) break;
    await pause(100);
  }
  if (rates) {
    await pause(1000);
    await runtime.monitor.tick();
  }
  return runtime.monitor.snapshot();
}

/** The BullMQ overview once the first count is in (or Redis is down / absent), within `ms`. */
export async function firstBullOverview(runtime: EnvironmentRuntime, ms = 8000): Promise<BullOverview | null> {
  const bull = runtime.bull;
  if (!bull) return null;
  const deadline = Date.now() + ms;
  for (;;) {
    await bull.tick();
    const s = bull.snapshot();
    if ((s.queues !== null && bull.hasDiscoveredQueues) || s.status.state === 'disconnected' || Date.now() >= deadline) return s;
    await pause(100);
  }
}

/** Waits until the environment's brokers are connected or have failed (not connecting), at most `ms`. */
export async function whenConnected(runtime: EnvironmentRuntime, ms = 8000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && !(runtime.redis?.isReady ?? true) && !(runtime.amqp?.isReady ?? true)) {
    await pause(100);
  }
  while (Date.now() < deadline && (runtime.redis?.status.state === 'connecting' || runtime.amqp?.status.state === 'connecting')) {
    await pause(100);
  }
}
