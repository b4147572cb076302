import { ManagementClient } from '../brokers/rabbitmq/management-client';
import { rabbitRoleCap, redisRoleCap, type RoleCap } from './credential-role';
import type { EnvironmentRuntime } from './environment-runtime';

const WAIT_STEP_MS = 200;
/** How long the probe waits for Redis to connect before it gives up (the role then stays the profile's). */
const WAIT_FOR_REDIS_MS = 60_000;

/**
 * Reads what the credentials of a started runtime allow: the Redis user (once connected) and the
 * AMQP user's permissions from the management API. `isCurrent` false stops the wait (the runtime
 * was replaced or closed).
 */
export async function probeCredentialCaps(runtime: EnvironmentRuntime, isCurrent: () => boolean): Promise<RoleCap[]> {
  const { env } = runtime;
  const caps: RoleCap[] = [];
  if (env.amqp) {
    const api = env.management ? new ManagementClient(env.management) : null;
    caps.push(await rabbitRoleCap(api, env.amqp.username, env.amqp.vhost, env.profile.namespace));
  }
  const redis = runtime.redis;
  if (redis) {
    for (let waited = 0; !redis.isReady && waited < WAIT_FOR_REDIS_MS && isCurrent(); waited += WAIT_STEP_MS) await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
    if (redis.isReady && isCurrent()) caps.push(await redisRoleCap(redis.client, env.profile.namespace));
  }
  return caps;
}
