import { z } from 'zod';
import { ConnectionTestResult } from '../model/connection';
import { EnvironmentInput, EnvironmentView } from '../model/environment';
import { DemoStatus, EnvironmentOverview, PendingPage, StreamHistory } from '../model/overview';

const EnvId = z.string().min(1).max(64);
const StreamName = z.string().min(1).max(1024);
const GroupName = z.string().min(1).max(256);
const ConsumerName = z.string().min(1).max(256);
const EntryId = z.string().regex(/^\d+-\d+$/, 'expected a stream entry id like 1700000000000-0');
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
    result: z.object({ version: z.string(), mode: z.enum(['desktop', 'browser']), home: z.string() }),
  },
  'environments.list': { params: Empty, result: z.array(EnvironmentView) },
  'environments.add': { params: EnvironmentInput, result: EnvironmentView },
  'environments.update': {
    params: z.object({ id: EnvId, input: EnvironmentInput }).strict(),
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
  'streams.history': {
    params: z
      .object({
        envId: EnvId,
        stream: z.string().min(1).max(1024),
        windowSeconds: z.number().int().min(60).max(3600).default(900),
        maxPoints: z.number().int().min(10).max(1000).default(300),
      })
      .strict(),
    result: StreamHistory,
  },
  'streams.pending': {
    params: z
      .object({
        envId: EnvId,
        stream: z.string().min(1).max(1024),
        group: z.string().min(1).max(256),
        /** Exclusive cursor: the last id of the previous page. */
        after: z.string().regex(/^\d+-\d+$/, 'after must be a stream entry id like 1700000000000-0').optional(),
        count: z.number().int().min(1).max(500).default(100),
      })
      .strict(),
    result: PendingPage,
  },
  'streams.claim': {
    params: z.object({ envId: EnvId, stream: StreamName, group: GroupName, consumer: ConsumerName, minIdleMs: z.number().int().min(0) }).strict(),
    result: z.object({ claimed: z.number(), deletedIds: z.array(z.string()) }),
  },
  'streams.ack': {
    params: z.object({ envId: EnvId, stream: StreamName, group: GroupName, ids: z.array(EntryId).min(1).max(1000) }).strict(),
    result: z.object({ acknowledged: z.number() }),
  },
  'streams.moveToDeadLetter': {
    params: z
      .object({
        envId: EnvId,
        stream: StreamName,
        group: GroupName,
        /** Entries delivered more than this many times are moved. */
        minDeliveries: z.number().int().min(1),
        /** Target DLQ stream; default `{stream}.dlq`. */
        deadLetterStream: StreamName.optional(),
      })
      .strict(),
    result: z.object({ moved: z.number(), scanned: z.number(), deadLetterStream: z.string() }),
  },
  'streams.deleteConsumer': {
    params: z.object({ envId: EnvId, stream: StreamName, group: GroupName, consumer: ConsumerName, force: z.boolean().default(false) }).strict(),
    result: z.object({ droppedPending: z.number() }),
  },
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
