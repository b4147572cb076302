import type { ErrorCode } from './errors';

/** The error half of every call's answer: a code a program can switch on, a message a person can read. */
export interface CallError {
  code: ErrorCode;
  message: string;
  /** Optional structured detail (e.g. per-field validation problems). Never holds secrets. */
  details?: Record<string, unknown>;
}

/** Every call across a process boundary answers with this envelope instead of throwing. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: CallError };

/** Wraps a successful value. */
export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

/** Wraps a failure. */
export function fail<T = never>(code: ErrorCode, message: string, details?: Record<string, unknown>): Result<T> {
  return details ? { ok: false, error: { code, message, details } } : { ok: false, error: { code, message } };
}
