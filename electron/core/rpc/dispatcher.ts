import { z } from 'zod';
import { CodedError, type ErrorCode } from '../../../shared/contract/errors';
import { isMethodName, methods, type MethodName, type ParsedParamsOf, type ResultOf } from '../../../shared/contract/methods';
import { fail, ok, type Result } from '../../../shared/contract/result';
import type { Logger } from '../ports';
import type { Redactor } from '../redaction';

/** One handler per contract method, receiving validated params. */
export type Handlers = { [M in MethodName]: (params: ParsedParamsOf<M>) => Promise<ResultOf<M>> };

/** Formats zod issues as "field: message; field: message". */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length ? issue.path.join('.') : '';
      return where ? `${where}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

const BROKER_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE', 'BROKER_UNAVAILABLE']);

/**
 * The single entry point of every transport (IPC, WebSocket, CLI): checks the method exists,
 * validates params with the contract's schema, runs the handler, and turns every outcome into a
 * Result whose error message is redacted. Nothing thrown escapes.
 */
export class Dispatcher {
  constructor(
    private readonly handlers: Handlers,
    private readonly redactor: Redactor,
    private readonly logger: Logger,
    private readonly shouldValidateResults = false,
  ) {}

  async dispatch(method: unknown, rawParams: unknown): Promise<Result<unknown>> {
    if (!isMethodName(method)) return fail('UNKNOWN_METHOD', `unknown method "${String(method).slice(0, 80)}"`);
    const spec = methods[method];
    const parsed = spec.params.safeParse(rawParams ?? {});
    if (!parsed.success) return fail('VALIDATION', describeIssues(parsed.error), { issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })) });
    try {
      const handler = this.handlers[method] as (params: unknown) => Promise<unknown>;
      const value = await handler(parsed.data);
      if (this.shouldValidateResults) spec.result.parse(value);
      return ok(value);
    } catch (error) {
      return this.toFailure(method, error);
    }
  }

  private toFailure(method: string, error: unknown): Result<never> {
    if (error instanceof CodedError) return fail(error.code, this.redactor.redact(error.message), error.details);
    if (error instanceof z.ZodError) return fail('VALIDATION', describeIssues(error));
    const code = (error as { code?: unknown })?.code;
    const message = this.redactor.redact(String((error as Error)?.message ?? error));
    let mapped: ErrorCode = 'INTERNAL';
    if (typeof code === 'string' && BROKER_CODES.has(code)) mapped = 'BROKER_UNAVAILABLE';
    else if (/timed? ?out/i.test(message)) mapped = 'TIMEOUT';
    else if (/ERR |WRONGTYPE|NOGROUP|PRECONDITION|NOT_FOUND|ACCESS_REFUSED/.test(message)) mapped = 'BROKER_ERROR';
    if (mapped === 'INTERNAL') this.logger.error('call failed', { method, error: message, stack: this.redactor.redact(String((error as Error)?.stack ?? '')) });
    return fail(mapped, message);
  }
}
