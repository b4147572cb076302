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

const Empty = z.object({}).strict();

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
  'environments.add': { params: EnvironmentInput, result: EnvironmentView },
  'environments.update': {
    params: z.object({ id: EnvId, input: EnvironmentInput }).strict(),
    result: EnvironmentView,
  },
  /** Timed write mode of a read-only environment: on for `minutes` (at most 60), 0 = off now. */
  'environments.setWriteMode': {
    params: z.object({ id: EnvId, minutes: z.number().int().min(0).max(MAX_WRITE_MODE_MINUTES) }).strict(),
    result: EnvironmentView,
  },
  'environments.remove': { params: z.object({ id: EnvId }).strict(), result: z.object({ id: z.string() }) },
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
  'demo.start': {
    params: z.object({ envId: EnvId, rate: z.number().positive().max(MAX_DEMO_RATE).default(20) }).strict(),
    result: DemoStatus,
  },
  'demo.stop': { params: z.object({ envId: EnvId }).strict(), result: DemoStatus },
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
