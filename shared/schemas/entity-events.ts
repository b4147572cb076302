import { z } from 'zod';

const Confidence = z.enum(['LOW', 'MEDIUM', 'HIGH']);

/** Seed 004: CREATE_ENTITY. */
export const CreateEntityEvent = z.object({
  messageType: z.literal('CREATE_ENTITY'),
  messageId: z.string().min(1),
  timestamp: z.string(),
  tenantId: z.string().min(1),
  payload: z.object({
    entityId: z.string().min(1),
    entityType: z.enum(['PERSON', 'DOCUMENT', 'PROJECT', 'ISSUE']),
    properties: z.record(z.string(), z.unknown()),
    source: z.object({ system: z.enum(['jira', 'confluence']), id: z.string(), url: z.string() }),
    metadata: z.object({
      confidence: Confidence,
      importance: z.enum(['MINOR', 'NORMAL', 'MAJOR', 'CRITICAL']),
      extractedAt: z.string(),
    }),
  }),
});

/** Seed 004: LINK_ENTITIES. */
export const LinkEntitiesEvent = z.object({
  messageType: z.literal('LINK_ENTITIES'),
  messageId: z.string().min(1),
  timestamp: z.string(),
  tenantId: z.string().min(1),
  payload: z.object({
    relationshipId: z.string().min(1),
    relationshipType: z.enum(['AUTHORED_BY', 'ASSIGNED_TO', 'RELATED_TO', 'DEPENDS_ON']),
    sourceEntityId: z.string().min(1),
    targetEntityId: z.string().min(1),
    properties: z.record(z.string(), z.unknown()),
    metadata: z.object({ confidence: Confidence, strength: z.number().min(0).max(1), extractedAt: z.string() }),
  }),
});

/** Seed 004: QUERY_RESULT (Redis pub/sub `{prefix}:query-results`). */
export const QueryResultEvent = z.object({
  messageType: z.literal('QUERY_RESULT'),
  sessionId: z.string().min(1),
  timestamp: z.string(),
  payload: z.object({
    queryId: z.string().min(1),
    results: z.array(z.unknown()),
    metadata: z.object({ processingTime: z.number(), resultCount: z.number().int(), confidence: z.number() }),
  }),
});

/** Seed 004: CACHE_INVALIDATION. */
export const CacheInvalidationEvent = z.object({
  messageType: z.literal('CACHE_INVALIDATION'),
  timestamp: z.string(),
  payload: z.object({
    cacheKeys: z.array(z.string()),
    reason: z.enum(['DATA_UPDATE', 'MANUAL', 'EXPIRATION']),
    affectedServices: z.array(z.string()),
  }),
});

/** Any seed 004 entity or notification event, told apart by `messageType`. */
export const EntityEvent = z.discriminatedUnion('messageType', [
  CreateEntityEvent,
  LinkEntitiesEvent,
  QueryResultEvent,
  CacheInvalidationEvent,
]);
export type EntityEvent = z.infer<typeof EntityEvent>;
