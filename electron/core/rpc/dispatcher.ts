import { z } from 'zod';
import { CodedError, type ErrorCode } from '../../../shared/contract/errors';
import { isMethodName, methods, policyOf, type MethodName, type ParsedParamsOf, type ResultOf } from '../../../shared/contract/methods';
import type { ConfirmAction } from '../../../shared/contract/method-groups/confirm';
import { fail, ok, type Result } from '../../../shared/contract/result';
import type { Logger } from '../ports';
import type { Redactor } from '../redaction';

/** Details a handler adds to the audit entry the dispatcher writes for its call. */
export interface AuditNote {
  /** A separate entry for this one item (each alert of a bulk action) instead of the call's single one. */
  target?: string;
  before?: unknown;
  after?: unknown;
  reason?: string;
}

/** What a handler gets besides its params. */
export interface CallContext {
  /** Adds to the call's audit entry (or, with a target, one entry per item); the entry itself is always written. */
  note(note: AuditNote): void;
}

/** One handler per contract method, receiving validated params. */
export type Handlers = { [M in MethodName]: (params: ParsedParamsOf<M>, call: CallContext) => Promise<ResultOf<M>> };

/** One audit entry as the dispatcher builds it. */
export interface AuditRecord {
  envId: string;
  envName: string;
  action: string;
  target: string;
  count?: number;
  before: unknown;
  after: unknown;
  reason?: string;
}

/** Failures that mean the call was refused before it changed anything. */
const REFUSALS = new Set<string>(['UNAUTHORIZED', 'READ_ONLY', 'VALIDATION']);

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * How the dispatcher enforces a method's declared access, confirmation and audit (the core's
 * environments, tokens and logs).
 */
export interface CallGuard {
  /** The environment's name, or null when there is none (yet, or any more). */
  envName(envId: string): string | null;
  /** Refuses (UNAUTHORIZED, READ_ONLY, NOT_FOUND) what the role or the write mode does not allow. */
  authorize(envId: string, level: 'operate' | 'administer', what: string): void;
  /** Uses up the one-time token; refuses a missing, reused, expired or foreign one. */
  confirm(token: string | undefined, envId: string, action: ConfirmAction, target: string): void;
  /** Appends to this console's hash-chained log and, when `team`, to the environment's team audit stream. */
  record(entries: AuditRecord[], team: boolean): Promise<void>;
}

/** Lets every call through and records nothing (unit tests of the dispatcher alone). */
export const OPEN_GUARD: CallGuard = { envName: () => null, authorize: () => undefined, confirm: () => undefined, record: async () => undefined };

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
 * validates params with the contract's schema, enforces what the contract entry declares (access
 * level, confirmation token, audit entry), runs the handler, and turns every outcome into a Result
 * whose error message is redacted. Nothing thrown escapes.
 */
export class Dispatcher {
  constructor(
    private readonly handlers: Handlers,
    private readonly redactor: Redactor,
    private readonly logger: Logger,
    private readonly shouldValidateResults: boolean,
    private readonly guard: CallGuard,
    /** The last step of every answer (payload masking, electron/core/masking.ts); may refuse with a CodedError. */
    private readonly outbound: (method: MethodName, params: Record<string, unknown>, value: unknown) => unknown = (_m, _p, value) => value,
  ) {}

  async dispatch(method: unknown, rawParams: unknown): Promise<Result<unknown>> {
    if (!isMethodName(method)) return fail('UNKNOWN_METHOD', `unknown method "${String(method).slice(0, 80)}"`);
    const spec = methods[method];
    const parsed = spec.params.safeParse(rawParams ?? {});
    if (!parsed.success) return fail('VALIDATION', describeIssues(parsed.error), { issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })) });
    const handler = this.handlers[method] as (params: unknown, call: CallContext) => Promise<unknown>;
    const policy = policyOf(method);
    const params = parsed.data as Record<string, unknown>;
    if (policy.access === 'read' || !policy.audit || policy.dryRun?.(params)) {
      try {
        const value = await handler(params, { note: () => undefined });
        if (this.shouldValidateResults) spec.result.parse(value);
        return ok(this.outbound(method, params, value));
      } catch (error) {
        return this.toFailure(method, error);
      }
    }
    // A state-changing call: role and write mode, then the confirmation, then the handler; an
    // audit entry for what it did, or for the attempt when it failed after being allowed.
    const audit = policy.audit;
    const action = typeof audit.action === 'function' ? audit.action(params) : (audit.action ?? method);
    const declaredEnv = (result: unknown) => (audit.env ? audit.env(params, result) : typeof params.envId === 'string' ? params.envId : typeof params.id === 'string' ? params.id : undefined);
    const envBefore = declaredEnv(undefined);
    const nameBefore = envBefore ? this.guard.envName(envBefore) : null;
    let target: string;
    try {
      target = audit.target(params, nameBefore ?? '');
      if (policy.access === 'operator' || policy.access === 'admin') {
        if (!envBefore) throw new CodedError('INTERNAL', `${method} declares ${policy.access} access but names no environment`);
        this.guard.authorize(envBefore, policy.access === 'admin' ? 'administer' : 'operate', `${action} ${target}`);
      }
      if (policy.confirm && (policy.confirm.when?.(params) ?? true)) {
        this.guard.confirm(typeof params.confirmToken === 'string' ? params.confirmToken : undefined, envBefore ?? '', policy.confirm.action, policy.confirm.target(params));
      }
    } catch (error) {
      // Refused before anything happened: the caller is told; nothing to record.
      return this.toFailure(method, error);
    }
    const team = audit.team ?? policy.access !== 'console';
    const notes: AuditNote[] = [];
    const reason = audit.reason?.(params);
    let value: unknown;
    try {
      value = await handler(params, { note: (n) => notes.push(n) });
      if (this.shouldValidateResults) spec.result.parse(value);
    } catch (error) {
      const failure = this.toFailure(method, error);
      // An attempt that failed on the way (broker error, conflict, gone) goes to this console's log
      // with what went wrong; a refusal (role, write mode, bad input) changed nothing and is only answered.
      if (!failure.ok && !REFUSALS.has(failure.error.code)) {
        const before = notes.find((n) => n.before !== undefined)?.before ?? null;
        const failed = { code: failure.error.code, message: failure.error.message };
        await this.write(method, [{ envId: envBefore ?? '', envName: nameBefore ?? '', action, target, before, after: { failed }, ...(reason ? { reason } : {}) }], false);
      }
      return failure;
    }
    const envId = declaredEnv(value) ?? '';
    const envName = (envId ? this.guard.envName(envId) : null) ?? nameBefore ?? '';
    let count: number | undefined;
    let detail: Record<string, unknown> = {};
    try {
      count = audit.count?.(value, params);
      detail = audit.detail?.(value, params) ?? {};
    } catch (error) {
      // A summary that cannot be read off the result must not turn a done action into a failure.
      this.logger.error('audit summary failed', { method, error: this.redactor.redact(String((error as Error)?.message ?? error)) });
    }
    const summary = { ...(count !== undefined ? { count } : {}), ...detail };
    const perItem = notes.filter((n) => n.target !== undefined);
    const merged = Object.assign({}, ...notes.filter((n) => n.target === undefined)) as AuditNote;
    const entries: AuditRecord[] = perItem.length
      ? perItem.map((n) => ({ envId, envName, action, target: n.target!, before: n.before ?? null, after: n.after ?? null, ...((n.reason ?? reason) ? { reason: n.reason ?? reason } : {}) }))
      : [
          {
            envId,
            envName,
            action,
            target,
            ...(count !== undefined ? { count } : {}),
            before: merged.before ?? null,
            after: merged.after !== undefined ? (isPlainObject(merged.after) ? { ...summary, ...merged.after } : merged.after) : Object.keys(summary).length ? summary : null,
            ...((merged.reason ?? reason) ? { reason: merged.reason ?? reason } : {}),
          },
        ];
    await this.write(method, entries, team);
    try {
      return ok(this.outbound(method, params, value));
    } catch (error) {
      return this.toFailure(method, error);
    }
  }

  /** Records; a log that cannot be written is an error in the log, not a failure of what was done. */
  private async write(method: string, entries: AuditRecord[], team: boolean): Promise<void> {
    try {
      await this.guard.record(entries, team);
    } catch (error) {
      this.logger.error('audit entry not written', { method, error: this.redactor.redact(String((error as Error)?.message ?? error)) });
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
