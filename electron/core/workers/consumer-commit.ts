import { STREAM_PAYLOAD_FIELD } from '../../../shared/model/topology';
import type { Clock } from '../ports';
import { encryptPayload, openPayload, type PayloadKeyring } from '../payload-crypto';
import type { Retries } from './consumer-dead-letter';
import type { ProcessorStats } from './processor-stats';
import type { Outcome, StreamHandler, StreamMessage, StreamOutput } from './stream-handler';
import { claimBatch, commitBatch, releaseClaims, type CommitItem, type ScriptClient, type ScriptScope } from './stream-scripts';

/** The shortest wait for a `wait` outcome, ms: a circuit reported open until "now" is not re-asked in a tight loop. */
const WAIT_FLOOR_MS = 50;

/** What handling a batch uses: the loop's connection and retries, and the parts its processor shares. */
export interface BatchParts {
  redis: ScriptClient;
  retries: Retries;
  options: {
    handler: StreamHandler;
    clock: Clock;
    payloadKeys?: PayloadKeyring | null;
    beforeCommit?: (messages: StreamMessage[]) => Promise<void> | void;
  };
  stats: ProcessorStats;
  scope: ScriptScope;
  /** How long an effectful handler's claim on a dedup id holds: the reclaim idle time. */
  claimTtlMs: number;
}

/**
 * Handles one batch and commits it: outputs, dedup marks and one multi-id XACK in one script, so a
 * crash before it leaves the batch pending and after it leaves it done (on a Redis Cluster, outputs
 * with their idempotency marks per output stream's slot, then the XACK: see cluster-commit.ts). Failures go to the retries
 * (backoff or DLQ). The returned promise settles when the commit did.
 */
export async function handleBatch(parts: BatchParts, batch: StreamMessage[]): Promise<void> {
  const { redis, retries, options, stats, scope } = parts;
  const { handler } = options;
  stats.inFlight += batch.length;
  const inFlight = batch.length;
  try {
    const undecryptable: { message: StreamMessage; error: string }[] = [];
    if (options.payloadKeys) batch = openBatch(batch, options.payloadKeys, undecryptable);
    let toHandle = batch;
    const committed: CommitItem[] = [];
    let claimed: { id: string; dedupId: string }[] = [];
    /** Duplicates found by the claim, and skips: acknowledged, not counted as processed. */
    const notProcessed = new Set<string>();
    if (handler.mode === 'effectful') {
      const withIds = batch.map((m) => ({ message: m, dedupId: handler.dedupId(m) }));
      claimed = withIds.filter((x) => x.dedupId !== null).map((x) => ({ id: x.message.id, dedupId: x.dedupId! }));
      const verdicts = await claimBatch(redis, scope, parts.claimTtlMs, claimed);
      const verdictOf = new Map(claimed.map((c, i) => [c.id, verdicts[i]]));
      toHandle = [];
      for (const { message } of withIds) {
        const verdict = verdictOf.get(message.id) ?? 1;
        if (verdict === 1) toHandle.push(message);
        else if (verdict === 0) {
          stats.count('duplicates');
          notProcessed.add(message.id);
          committed.push({ id: message.id, dedupId: null, outputs: [], hasAttempts: message.attempts > 0 });
        } else retries.schedule(message, 1000);
      }
    }
    let outcomes: Outcome[];
    try {
      outcomes = await handler.handle(toHandle);
      if (outcomes.length !== toHandle.length) throw new Error(`handler returned ${outcomes.length} outcomes for ${toHandle.length} messages`);
    } catch (error) {
      outcomes = toHandle.map(() => ({ kind: 'retry', error: error instanceof Error ? error.message : String(error) }));
    }
    await options.beforeCommit?.(toHandle);
    const failed: { message: StreamMessage; error: string; isInvalid: boolean }[] = [];
    const waiting: { message: StreamMessage; untilMs: number; reason: string }[] = [];
    const released: { id: string; dedupId: string }[] = [];
    const claimedIds = new Map(claimed.map((c) => [c.id, c.dedupId]));
    const dedupOf = (m: StreamMessage) => (handler.mode === 'pure' ? handler.dedupId(m) : claimedIds.get(m.id) ?? null);
    toHandle.forEach((message, i) => {
      const outcome = outcomes[i]!;
      if (outcome.kind === 'done') committed.push({ id: message.id, dedupId: dedupOf(message), outputs: sealOutputs(outcome.outputs ?? [], options.payloadKeys), hasAttempts: message.attempts > 0 });
      else if (outcome.kind === 'skip') {
        notProcessed.add(message.id);
        committed.push({ id: message.id, dedupId: null, outputs: [], hasAttempts: message.attempts > 0 });
      }
      else {
        if (outcome.kind === 'wait') waiting.push({ message, untilMs: outcome.untilMs, reason: outcome.reason });
        else failed.push({ message, error: outcome.kind === 'invalid' ? outcome.reason : outcome.error, isInvalid: outcome.kind === 'invalid' });
        const dedupId = handler.mode === 'effectful' ? dedupOf(message) : null;
        if (dedupId) released.push({ id: message.id, dedupId });
      }
    });
    if (committed.length) {
      const dups = new Set(await commitBatch(redis, scope, committed, handler.mode === 'effectful'));
      stats.count('duplicates', dups.size);
      stats.count('processed', committed.filter((item, i) => !dups.has(i) && !notProcessed.has(item.id)).length);
    }
    await releaseClaims(redis, scope, released);
    for (const failure of failed) await retries.fail(failure.message, failure.error, failure.isInvalid);
    for (const { message, error } of undecryptable) await retries.fail(message, error, true);
    // Not attempted (open circuit): pending until then, its attempts unchanged — no spin, no retry spent.
    for (const wait of waiting) {
      stats.fail(wait.reason);
      retries.schedule(wait.message, Math.max(WAIT_FLOOR_MS, wait.untilMs - options.clock.now()));
    }
  } finally {
    stats.inFlight -= inFlight;
  }
}

/**
 * The batch with encrypted payloads replaced by their plaintext (fields, and so a dead letter's
 * bytes, stay as read); the messages no key opens go to `undecryptable` instead.
 */
function openBatch(batch: StreamMessage[], keys: PayloadKeyring, undecryptable: { message: StreamMessage; error: string }[]): StreamMessage[] {
  return batch.flatMap((message) => {
    const opened = message.payload ? openPayload(message.payload, keys) : null;
    if (!opened) return [message];
    if ('plain' in opened) return [{ ...message, payload: opened.plain }];
    undecryptable.push({ message, error: opened.error });
    return [];
  });
}

/** Outputs with their `data` field encrypted under the current key (unchanged without keys). */
function sealOutputs(outputs: StreamOutput[], keys: PayloadKeyring | null | undefined): StreamOutput[] {
  if (!keys || !outputs.length) return outputs;
  return outputs.map((output) => ({
    ...output,
    fields: output.fields.map((value, i) => (i % 2 === 1 && String(output.fields[i - 1]) === STREAM_PAYLOAD_FIELD ? encryptPayload(Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8'), keys.current.key, keys.current.id) : value)),
  }));
}
