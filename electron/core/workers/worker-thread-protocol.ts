import type { ProcessorName, ProcessorSettings, WorkersView } from '../../../shared/model/workers';
import type { WorkerRuntimeConfig } from './worker-runtime';
import type { ResolvedDestinations } from './destinations-store';

/** Messages between the host and the workers' thread. */
export type ThreadRequest = { id: number } & (
  | { op: 'start'; only?: ProcessorName[]; fromStart?: boolean }
  | { op: 'stop'; processor?: ProcessorName }
  | { op: 'pause' | 'resume'; processor: ProcessorName }
  | { op: 'configure'; processor: ProcessorName; settings: Partial<ProcessorSettings> }
  | { op: 'destinations'; destinations: ResolvedDestinations }
  | { op: 'close' }
);

export type ThreadReply = { type: 'reply'; id: number; view: WorkersView } & ({ ok: true; value?: unknown } | { ok: false; error: string });

export type ThreadEvent = { type: 'view'; view: WorkersView } | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string; fields?: Record<string, unknown> };

/** Structured cloning turns Buffers into Uint8Arrays: give TLS its Buffers back. */
export function reviveConfig(config: WorkerRuntimeConfig): WorkerRuntimeConfig {
  const revive = (options: Record<string, unknown> | undefined) => {
    if (!options) return;
    for (const key of ['ca', 'cert', 'key'] as const) if (options[key] instanceof Uint8Array) options[key] = Buffer.from(options[key] as Uint8Array);
  };
  revive(config.env.redis?.tlsSettings?.options as Record<string, unknown> | undefined);
  revive(config.env.amqp?.tlsSettings?.options as Record<string, unknown> | undefined);
  revive(config.env.management?.tlsSettings?.options as Record<string, unknown> | undefined);
  revive(config.env.postgres?.tlsSettings?.options as Record<string, unknown> | undefined);
  return config;
}
