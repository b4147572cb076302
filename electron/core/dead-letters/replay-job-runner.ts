import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../ports';
import { BATCH_SCRIPT, RELEASE_SCRIPT, RENEW_SCRIPT } from './replay-job-script';
import { RateMeter, TokenBucket } from './replay-job-rate';
import type { ReplayJobStore } from './replay-job-store';

/** How a run ended: the job finished; it was paused, cancelled or taken by another console; this console stopped; Redis failed it. */
export type RunEnd = 'done' | 'paused' | 'cancelled' | 'lost' | 'stopped' | 'failed' | 'error';

export interface RunOptions {
  clock: Clock;
  leaseMs: number;
  /** Asked between batches and while waiting for tokens: true ends the run (the lease released). */
  shouldStop?: () => boolean;
  /** After each batch (the CLI's progress line). */
  onBatch?: (replayed: number) => void;
}

/** One batch of a broker's job: `replayed` moved, `state` the job's state after it ('done' when nothing is left). */
export type BatchResult = { status: 'ok'; state: string; replayed: number } | { status: 'ended'; state: string };

/** A broker's way of moving one batch of a job (at most `size` entries), and what it holds meanwhile. */
export interface BatchMover {
  move(size: number, rate: number | null): Promise<BatchResult>;
  close?(): Promise<void>;
}

/** A failure no retry fixes (a script error, a target that refuses every copy): the job is marked failed with it. */
export class JobFailure extends Error {}

/** A Redis error the script itself raised (not a lost connection): retrying will not help. */
const isScriptError = (error: unknown) => (error as { name?: string }).name === 'ReplyError' && /script|ERR/i.test(String((error as Error).message));

/**
 * Runs one replay job this console holds (claimed with `token`) until it is done, paused,
 * cancelled, taken over or told to stop: per batch, tokens from the rate cap, then the broker's
 * batch (which refuses if the job is no longer this console's or no longer running). The loop —
 * lease, rate cap, pause / cancel noticed while waiting, progress — is the same for every broker.
 */
export async function runJobLoop(store: ReplayJobStore, jobId: string, token: string, options: RunOptions, open: (batch: number) => Promise<BatchMover>): Promise<RunEnd> {
  const { client, keys } = store;
  const [rateText, batchText] = await client.hmget(keys.job(jobId), 'rate', 'batch');
  const bucket = new TokenBucket(rateText ? Number(rateText) : null);
  const batch = bucket.batchSize(Number(batchText ?? 200));
  const meter = new RateMeter();
  let replayedHere = 0;
  let mover: BatchMover | undefined;
  const stopped = async (): Promise<RunEnd> => {
    await client.eval(RELEASE_SCRIPT, 1, keys.job(jobId), token).catch(() => undefined);
    return 'stopped';
  };
  // While the bucket refills: keep the lease, and notice a pause or cancel.
  const waitFor = async (ms: number): Promise<RunEnd | null> => {
    const until = options.clock.now() + ms;
    for (let left = ms; left > 0; left = until - options.clock.now()) {
      await sleep(Math.min(left, options.leaseMs / 3, 500));
      if (options.shouldStop?.()) return stopped();
      const state = (await client.eval(RENEW_SCRIPT, 1, keys.job(jobId), token, options.leaseMs)) as string;
      if (state !== 'running') return ended(state);
    }
    return null;
  };
  try {
    mover = await open(batch);
    meter.add(options.clock.now(), 0);
    for (;;) {
      if (options.shouldStop?.()) return await stopped();
      const wait = bucket.take(batch, options.clock.now());
      if (wait > 0) {
        const end = await waitFor(wait);
        if (end) return end;
      }
      const reply = await mover.move(batch, meter.rate());
      if (reply.status !== 'ok') return ended(reply.state);
      replayedHere += reply.replayed;
      meter.add(options.clock.now(), replayedHere);
      options.onBatch?.(replayedHere);
      if (reply.state !== 'running') return ended(reply.state);
    }
  } catch (error) {
    if (isScriptError(error) || error instanceof JobFailure) {
      await store.fail(jobId, token, String((error as Error).message), options.clock.now()).catch(() => undefined);
      return 'failed';
    }
    // A lost connection: the lease runs out and this or another console takes the job up again.
    return 'error';
  } finally {
    await mover?.close?.().catch(() => undefined);
  }
}

/**
 * A Redis DLQ job: each batch is one script (copy → remove per id, the cursor, counters and the
 * lease in the same script), so whatever instant a console dies at, an entry was either moved and
 * counted or neither.
 */
export function runReplayJob(store: ReplayJobStore, jobId: string, token: string, options: RunOptions): Promise<RunEnd> {
  const { client, keys } = store;
  return runJobLoop(store, jobId, token, options, async () => {
    const source = await client.hget(keys.job(jobId), 'source');
    return {
      async move(size, rate) {
        const now = options.clock.now();
        const reply = (await client.eval(BATCH_SCRIPT, 4, source ?? '', keys.job(jobId), keys.ids(jobId), keys.failures(jobId), token, size, options.leaseMs, rate === null ? '' : rate.toFixed(1), String(now), jobId, new Date(now).toISOString())) as [string, string, number?];
        return reply[0] === 'ok' ? { status: 'ok', state: reply[1], replayed: Number(reply[2] ?? 0) } : { status: 'ended', state: reply[1] };
      },
    };
  });
}

export function ended(state: string): RunEnd {
  return state === 'paused' || state === 'cancelled' || state === 'done' || state === 'failed' ? state : 'lost';
}
