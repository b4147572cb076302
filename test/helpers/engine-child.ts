// A child process running one escalation engine tick, for the SIGSTOP fencing test. It prints
// "claimed <member>" after claiming its first lease and before the transition, sleeps (the
// parent SIGSTOPs it there), then prints "result <json>" and exits.
import { Redis } from 'ioredis';
import { AlertStore } from '../../electron/core/alerts/alert-store';
import { EscalationEngine } from '../../electron/core/alerts/escalation-engine';
import type { EscalationPolicy } from '../../shared/model/alerts';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const policy = JSON.parse(process.env.POLICY!) as EscalationPolicy;
const engine = new EscalationEngine(redis, new AlertStore(redis, process.env.NS!, policy), { leaseMs: Number(process.env.LEASE_MS) });
let isFirst = true;
engine.beforeTransition = async (member) => {
  if (!isFirst) return;
  isFirst = false;
  process.stdout.write(`claimed ${member}\n`);
  await new Promise((r) => setTimeout(r, 1500));
};
const result = await engine.tick();
process.stdout.write(`result ${JSON.stringify(result)}\n`);
redis.disconnect();
