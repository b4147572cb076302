import { z } from 'zod';
import { ConnectionTestResult } from '../model/connection';
import { EnvironmentInput, EnvironmentView, MAX_WRITE_MODE_MINUTES } from '../model/environment';
import { DemoStatus, EnvironmentOverview } from '../model/overview';
import { EnvId } from './method-groups/common';
import { ruleMethods } from './method-groups/rules';
import { streamMethods } from './method-groups/streams';
import { queueMethods } from './method-groups/queues';
import { bullmqMethods } from './method-groups/bullmq';
import { pubsubMethods } from './method-groups/pubsub';
import { dlqMethods } from './method-groups/dlq';
import { alertMethods } from './method-groups/alerts';
import { confirmMethods } from './method-groups/confirm';
import { workerMethods } from './method-groups/workers';
import { eventMethods } from './method-groups/events';
import { silenceMethods } from './method-groups/silences';
import { revealMethods } from './method-groups/reveal';
import { replayJobMethods } from './method-groups/replay-jobs';
import { searchMethods } from './method-groups/searches';
import { stricter, write, type Access, type MethodPolicy } from './access';
import type { ConfirmAction } from './method-groups/confirm';

const Empty = z.object({}).strict();

/** What the audit log keeps of an environment: no URL, user or secret. */
const environmentSummary = (v: EnvironmentView) => ({ namespace: v.namespace, production: v.production, role: v.role, redis: v.redis !== null, amqp: v.amqp !== null, management: v.managementUrl !== null });

/** Largest demo rate a person can ask for; keeps a typo from flooding a broker. */
export const MAX_DEMO_RATE = 5000;

/**
 * Every call the renderer (or the CLI) can make on the host: name → params schema, result schema.
 * The IPC handlers, the preload bridge, the WebSocket host and the renderer client are all derived
 * from this one map.
 */
export const methods = {
  'app.info': {
    params: Empty,
    result: z.object({
      version: z.string(),
      mode: z.enum(['desktop', 'browser']),
      home: z.string(),
      /** Where passwords are kept ("safeStorage (gnome_libsecret)", "file (0600 key file)") and why that store. */
      secretStore: z.object({ kind: z.string(), reason: z.string().nullable() }),
    }),
  },
  'environments.list': { params: Empty, result: z.array(EnvironmentView) },
  'environments.add': write({
    params: EnvironmentInput,
    result: EnvironmentView,
    access: 'console',
    audit: { target: (p) => p.name, env: (_p, r) => r?.id, detail: (r) => environmentSummary(r) },
  }),
  'environments.update': write({
    params: z.object({ id: EnvId, input: EnvironmentInput }).strict(),
    result: EnvironmentView,
    access: 'console',
    audit: { target: (p) => p.input.name, detail: (r) => environmentSummary(r) },
  }),
  /** Timed write mode of a read-only environment: on for `minutes` (at most 60), 0 = off now. */
  'environments.setWriteMode': write({
    params: z.object({ id: EnvId, minutes: z.number().int().min(0).max(MAX_WRITE_MODE_MINUTES) }).strict(),
    result: EnvironmentView,
    // Viewers are refused by the environment service (write mode is how a read-only environment gets writable).
    access: 'console',
    // The handler adds `writableUntil` before and after.
    audit: { action: 'environment.writeMode', target: (_p, envName) => envName },
  }),
  'environments.remove': write({ params: z.object({ id: EnvId }).strict(), result: z.object({ id: z.string() }), access: 'console', audit: { target: (_p, envName) => envName } }),
  'environments.test': {
    params: z
      .object({ id: EnvId.optional(), input: EnvironmentInput.optional() })
      .strict()
      .refine((p) => p.id !== undefined || p.input !== undefined, 'give an environment id or a profile to test'),
    result: ConnectionTestResult,
  },
  'overview.get': { params: Empty, result: z.array(EnvironmentOverview) },
  ...streamMethods,
  ...ruleMethods,
  ...queueMethods,
  ...bullmqMethods,
  ...pubsubMethods,
  ...dlqMethods,
  ...alertMethods,
  ...confirmMethods,
  ...workerMethods,
  ...eventMethods,
  ...silenceMethods,
  ...revealMethods,
  ...replayJobMethods,
  ...searchMethods,
  'demo.start': write({
    params: z.object({ envId: EnvId, rate: z.number().positive().max(MAX_DEMO_RATE).default(20) }).strict(),
    result: DemoStatus,
    access: 'console',
    audit: { target: () => 'demo traffic', detail: (r) => ({ rate: r.rate }) },
  }),
  'demo.stop': write({ params: z.object({ envId: EnvId }).strict(), result: DemoStatus, access: 'console', audit: { target: () => 'demo traffic', detail: (r) => ({ produced: r.produced }) } }),
  'demo.status': { params: z.object({ envId: EnvId }).strict(), result: DemoStatus },
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
/** What a caller passes (defaults not yet applied). */
export type ParamsOf<M extends MethodName> = z.input<Methods[M]['params']>;
/** What a handler receives (validated, defaults applied). */
export type ParsedParamsOf<M extends MethodName> = z.output<Methods[M]['params']>;
export type ResultOf<M extends MethodName> = z.output<Methods[M]['result']>;

/** All method names, for code that must enumerate them (preload bridge, IPC registration). */
export const METHOD_NAMES = Object.keys(methods) as MethodName[];

/** True when `name` is a method of the contract. */
export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(methods, name);
}

/** What a method declares about access, confirmation and audit (`read` when nothing). */
export function policyOf(method: MethodName): MethodPolicy {
  const entry = methods[method] as Partial<MethodPolicy>;
  return { access: entry.access ?? 'read', audit: entry.audit, confirm: entry.confirm, dryRun: entry.dryRun };
}

/** The access the methods guarded by a confirmation action need: no token is issued to whom they would refuse. */
export function accessForConfirm(action: ConfirmAction): Access {
  let access: Access = 'read';
  for (const name of METHOD_NAMES) {
    const policy = policyOf(name);
    if (policy.confirm?.action === action) access = stricter(access, policy.access);
  }
  return access;
}
