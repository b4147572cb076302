import type { ProcessorName, ProcessorSettings, WorkersView } from '../../../shared/model/workers';
import { CodedError, ERROR_CODES, type ErrorCode } from '../../../shared/contract/errors';
import type { CallError, Result } from '../../../shared/contract/result';
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

/** The thread's answer to one request: the shared Result envelope (a CodedError keeps its code across). */
export type ThreadReply = { type: 'reply'; id: number; view: WorkersView; result: Result<unknown> };

/** What the thread sends back for an error thrown while serving a request. */
export function errorToCallError(error: unknown): CallError {
  if (error instanceof CodedError) return error.details ? { code: error.code, message: error.message, details: error.details } : { code: error.code, message: error.message };
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

/** The host's side: an error answer thrown again as the CodedError it was. */
export function callErrorToError(error: CallError): CodedError {
  const code: ErrorCode = (ERROR_CODES as readonly string[]).includes(error.code) ? error.code : 'INTERNAL';
  return new CodedError(code, error.message, error.details);
}

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
