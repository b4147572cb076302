import type { Redis } from 'ioredis';
import { EscalationPolicy } from '../../../shared/model/alerts';

/** What reading the shared policy found: the policy to use and, when the stored one was unusable, why. */
export interface SharedPolicyRead {
  policy: EscalationPolicy;
  problem: string | null;
}

/**
 * The environment's escalation policy as every console and `work` process reads it (one JSON
 * key in Redis, `alertKeys().policy`); `fallback` when none is set or the stored one is unusable,
 * so a bad edit never stops escalations.
 */
export async function readSharedPolicy(redis: Redis, key: string, fallback: EscalationPolicy): Promise<SharedPolicyRead> {
  const raw = await redis.get(key);
  if (!raw) return { policy: fallback, problem: null };
  try {
    const parsed = EscalationPolicy.safeParse(JSON.parse(raw));
    if (parsed.success) return { policy: parsed.data, problem: null };
    return { policy: fallback, problem: 'the shared escalation policy is invalid; using the default' };
  } catch {
    return { policy: fallback, problem: 'the shared escalation policy is not JSON; using the default' };
  }
}
