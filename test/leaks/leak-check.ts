import { Redis } from 'ioredis';
import { setting } from '../prereqs/requirements';
import { takeSnapshot, type BrokerSnapshot } from './broker-snapshot';
import { leakVerdict, type LeakVerdict } from './leak-verdict';
import { registerRun } from './run-registry';

/** Deletions settle asynchronously (a queue whose connection just closed, a key expiring): how long the end waits for the list to empty. */
const SETTLE_MS = 10_000;

/**
 * Whole-run leak check: snapshots the shared brokers at the start and, at the end, fails listing
 * every key, group, queue, exchange, vhost, database, schema or table that appeared and stayed.
 * The returned function prints the verdict and returns it; the caller fails the run on "leaked".
 * WATCHFLOOR_LEAK_CHECK=off skips it.
 */
export async function startLeakCheck(label: string, env: Record<string, string | undefined> = process.env): Promise<() => Promise<LeakVerdict>> {
  if (env.WATCHFLOOR_LEAK_CHECK === 'off') {
    const off: LeakVerdict = { status: 'clean', leaked: [], lines: [`leak check (${label}): off (WATCHFLOOR_LEAK_CHECK=off)`] };
    process.stdout.write(off.lines[0] + '\n');
    return async () => off;
  }
  const redis = new Redis(setting(env, 'REDIS_URL'), { lazyConnect: true, connectTimeout: 3000, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  redis.on('error', () => undefined);
  await redis.connect();
  const run = await registerRun(redis, label);
  const before = await takeSnapshot(env);
  return async () => {
    try {
      const deadline = Date.now() + SETTLE_MS;
      let after: BrokerSnapshot;
      let verdict: LeakVerdict;
      for (;;) {
        after = await takeSnapshot(env);
        verdict = leakVerdict({ label, before, after, otherRuns: [] });
        if (verdict.status === 'clean' || Date.now() > deadline) break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      verdict = leakVerdict({ label, before, after, otherRuns: await run.leave() });
      (verdict.status === 'leaked' ? process.stderr : process.stdout).write(`\n${verdict.lines.join('\n')}\n`);
      return verdict;
    } finally {
      redis.disconnect();
    }
  };
}
