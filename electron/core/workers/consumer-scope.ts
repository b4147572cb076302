import { markTtlMs, type CommitStep } from './cluster-commit';
import { ClusterLayout } from './cluster-keys';
import type { ScriptScope } from './stream-scripts';

/**
 * The keys and settings one stream consumer's scripts share. On one server: dedup marks and retry
 * counters under the environment's `…watchfloor:workers:` prefix, as before. On a Redis Cluster:
 * both in the input stream's slot, and the commit split by slot with its marks' layout and TTL
 * (cluster-commit.ts).
 */
/** What of a consumer's options decides its scope (see StreamConsumerOptions). */
export interface ScopeOptions {
  stream: string;
  group: string;
  keyPrefix: string;
  cluster?: boolean;
  dedupWindowMs?: number;
  reclaimIdleMs?: number;
  commitMarkTtlMs?: number;
  onCommitStep?: (step: CommitStep) => Promise<void> | void;
}

export function consumerScope(options: ScopeOptions, defaults: { dedupWindowMs: number; reclaimIdleMs: number }): ScriptScope {
  const dedupTtlMs = options.dedupWindowMs ?? defaults.dedupWindowMs;
  const layout = options.cluster ? new ClusterLayout(options.keyPrefix, options.stream, options.group) : null;
  return {
    stream: options.stream,
    group: options.group,
    dedupPrefix: layout?.inputDedupPrefix ?? `${options.keyPrefix}dedup:${options.group}:`,
    dedupTtlMs,
    attemptsKey: layout?.attemptsKey ?? `${options.keyPrefix}attempts:${options.stream}:${options.group}`,
    cluster: layout
      ? {
          stream: options.stream,
          group: options.group,
          layout,
          dedupTtlMs,
          markTtlMs: options.commitMarkTtlMs ?? markTtlMs(options.reclaimIdleMs ?? defaults.reclaimIdleMs, dedupTtlMs),
          onStep: options.onCommitStep,
        }
      : null,
  };
}
