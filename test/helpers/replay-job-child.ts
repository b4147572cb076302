// A child process running one replay job (a console), for the kill -9 test: prints "running"
// once it holds the job and "replayed N" after each batch, until the parent kills it.
import { Redis } from 'ioredis';
import { ReplayJobService } from '../../electron/core/dead-letters/replay-job-service';
import { systemClock } from '../../electron/core/ports';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const env = { envId: 'child', namespace: process.env.NS!, payloadKey: null, client: redis };
const service = new ReplayJobService(
  { clock: systemClock, logger: { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined } as never, who: () => 'child', environment: () => env, environments: () => [env] },
  { shouldSupervise: false, leaseMs: Number(process.env.LEASE_MS ?? 1000) },
);
let isFirst = true;
const end = await service.runHere('child', process.env.JOB!, (replayed) => {
  if (isFirst) process.stdout.write('running\n');
  isFirst = false;
  process.stdout.write(`replayed ${replayed}\n`);
});
process.stdout.write(`end ${end}\n`);
redis.disconnect();
