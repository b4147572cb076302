import type { z } from 'zod';
import type { ConfirmAction } from './method-groups/confirm';

/**
 * Who may call a method, checked by the dispatcher before the handler runs:
 * - `read`: changes nothing; anyone, read-only environments too (the default of a contract entry);
 * - `console`: changes this console's own configuration or processes (environments, rules, workers,
 *   settings, demo traffic), no broker state of the team: no role or write-mode check, but audited;
 * - `operator`: changes broker state (acknowledge, replay, claim, pause, publish…): operator or admin,
 *   and refused on a read-only environment outside write mode;
 * - `admin`: destroys or reconfigures (purge, drain, clean, delete a consumer, change a policy): admin only.
 */
export type Access = 'read' | 'console' | 'operator' | 'admin';
export type WriteAccess = Exclude<Access, 'read'>;

/** How a state-changing method is recorded: one entry per successful call (and per failed attempt). */
export interface AuditSpec<P, R> {
  /** The entry's action; the method name by default. */
  action?: string | ((params: P) => string);
  /** What it acted on (a stream, queue, consumer, alert…); `envName` is the environment's name. */
  target: (params: P, envName: string) => string;
  /** The environment acted on; `params.envId` (or `params.id`) by default, else the result's `id`. */
  env?: (params: P, result: R | undefined) => string | undefined;
  /** How many things the call changed, from its result. */
  count?: (result: R, params: P) => number;
  /** The analyst's reason, when the call gives one. */
  reason?: (params: P) => string | undefined;
  /** A small, secret-free summary of the outcome kept as the entry's `after` (with the count). */
  detail?: (result: R, params: P) => Record<string, unknown>;
  /**
   * Also appended to the environment's team audit stream (`watchfloor:audit`). Default: true for
   * `operator`/`admin`, false for `console` (this console's own affairs). Alert actions say false:
   * the alert store writes their team entry in the same script as the change.
   */
  team?: boolean;
}

/** A one-time confirmation token (from `confirm.issue`) the call must carry in `confirmToken`. */
export interface ConfirmSpec<P> {
  action: ConfirmAction;
  /** The name the analyst typed to get the token (the queue, DLQ or consumer). */
  target: (params: P) => string;
  /** Needed only when this holds (bulk replays); always by default. */
  when?: (params: P) => boolean;
}

/** What a state-changing contract entry declares besides its schemas. */
export interface WritePolicy<P, R> {
  access: WriteAccess;
  audit: AuditSpec<P, R>;
  confirm?: ConfirmSpec<P>;
  /** A call for which this holds changes nothing (a dry run): treated as `read`, not audited. */
  dryRun?: (params: P) => boolean;
}

/**
 * Declares a state-changing method: its schemas plus access, confirmation and audit. The type
 * makes the audit declaration mandatory; the dispatcher enforces all three, so no handler can
 * forget them.
 */
export function write<PS extends z.ZodTypeAny, RS extends z.ZodTypeAny>(
  entry: { params: PS; result: RS } & WritePolicy<z.output<PS>, z.output<RS>>,
): { params: PS; result: RS } & WritePolicy<z.output<PS>, z.output<RS>> {
  return entry;
}

/** The policy of any contract entry, `read` when it declares none. */
export interface MethodPolicy {
  access: Access;
  audit?: AuditSpec<unknown, unknown>;
  confirm?: ConfirmSpec<unknown>;
  dryRun?: (params: unknown) => boolean;
}

const RANK: Record<Access, number> = { read: 0, console: 1, operator: 2, admin: 3 };

/** The stricter of two access levels. */
export function stricter(a: Access, b: Access): Access {
  return RANK[a] >= RANK[b] ? a : b;
}
