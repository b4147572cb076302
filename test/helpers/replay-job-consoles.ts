import type { Redis } from 'ioredis';
import { isFinished, type ReplayJob } from '../../shared/model/replay-jobs';
import { ReplayJobService, type JobEnvironment } from '../../electron/core/dead-letters/replay-job-service';
import type { NewReplayJob } from '../../electron/core/dead-letters/replay-job-store';
import { systemClock } from '../../electron/core/ports';
import { waitFor } from './wait';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Consoles of one environment for the replay-job tests: each its own ReplayJobService (supervising
 * unless told not to, polling every 100 ms, a 1 s lease), all closed by `closeAll`.
 */
export function jobConsoles(env: () => JobEnvironment & { client: Redis }) {
  const services: ReplayJobService[] = [];
  return {
    named(who: string, options: { shouldSupervise?: boolean; leaseMs?: number } = {}): ReplayJobService {
      const service = new ReplayJobService({ clock: systemClock, logger: quiet, who: () => who, environment: () => env(), environments: () => [env()] }, { pollMs: 100, leaseMs: 1000, ...options });
      services.push(service);
      return service;
    },
    /** Closes every console made so far (so none takes up the next test's jobs). */
    async closeAll(): Promise<void> {
      await Promise.all(services.splice(0).map((s) => s.close()));
    },
  };
}

/** A job over `source` with the tests' defaults (all of it, no cap, batches of 50). */
export const testJob = (source: string, over: Partial<NewReplayJob> = {}): NewReplayJob => ({ source, selection: { kind: 'all' }, target: null, rate: null, batch: 50, maxReplays: 3, force: false, ...over });

/** Waits until the job is done, cancelled or failed, as `service` reads it. */
export const jobFinished = (service: ReplayJobService, envId: string, id: string, timeoutMs = 60_000): Promise<ReplayJob> =>
  waitFor(async () => {
    const j = await service.get(envId, id);
    return isFinished(j.state) ? j : null;
  }, `job ${id} finished`, timeoutMs);
