/** Error codes that cross the process boundary as data (Electron keeps only `error.message` of thrown errors). */
export const ERROR_CODES = [
  'VALIDATION',
  'UNKNOWN_METHOD',
  'NOT_FOUND',
  'CONFLICT',
  'UNAUTHORIZED',
  'READ_ONLY',
  'BROKER_UNAVAILABLE',
  'BROKER_ERROR',
  'TIMEOUT',
  /** The environment's broker cannot do this (e.g. multi-key Lua scripts on a Redis Cluster). */
  'UNSUPPORTED',
  'INTERNAL',
] as const;

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** An error raised inside the core that already knows which code it maps to. */
export class CodedError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'CodedError';
  }
}
