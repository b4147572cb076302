import { z } from 'zod';

/** Seed 003: the five primary BullMQ queues, with their retry strategies. */
export const BULLMQ_QUEUES = {
  'ingress-events': { attempts: 5, backoffDelayMs: 2000, concurrency: 20 },
  'orchestration-flows': { attempts: 3, backoffDelayMs: 5000, concurrency: 15 },
  'integration-tasks': { attempts: 7, backoffDelayMs: 10000, concurrency: 10 },
  notifications: { attempts: 5, backoffDelayMs: 30000, concurrency: 8 },
  'analytics-events': { attempts: 3, backoffDelayMs: 60000, concurrency: 5 },
} as const;
export type BullQueueName = keyof typeof BULLMQ_QUEUES;

/** Seed 003's DLQ naming: `{original-queue}-dlq`. */
export function bullDeadLetterQueueName(queue: string): string {
  return `${queue}-dlq`;
}

/** Seed 003 `IdempotentJob.metadata`. */
export const JobMetadata = z.object({
  correlationId: z.string(),
  userId: z.string().optional(),
  source: z.string(),
  createdAt: z.union([z.string(), z.number()]),
});

/** Seed 003: `process-webhook` job data on `ingress-events`. */
export const WebhookIngressJob = z.object({
  provider: z.string().min(1),
  eventType: z.string().min(1),
  payload: z.unknown(),
  tenantId: z.string().min(1),
  receivedAt: z.union([z.string(), z.number()]),
});

/** Seed 003: `execute-flow` job data on `orchestration-flows`. */
export const ExecuteFlowJob = z.object({
  flowId: z.string().min(1),
  tenantId: z.string().min(1),
  steps: z.array(z.unknown()),
  bindings: z.record(z.string(), z.unknown()).optional(),
  context: z.record(z.string(), z.unknown()).optional(),
});

/** Seed 003: `execute-n8n-workflow` job data on `integration-tasks`. */
export const N8nWorkflowJob = z.object({
  workflowId: z.string().min(1),
  inputData: z.unknown(),
  callbackQueue: z.string().min(1),
  callbackJobId: z.string().min(1),
});

/** Seed 003 `IdempotentJob`: the envelope any queue's job may use. */
export const IdempotentJob = z.object({
  jobId: z.string().min(1),
  idempotencyKey: z.string().regex(/^[^:]+:[^:]+:[0-9a-f]{64}:\d+$/, 'expected {tenant}:{job_type}:{sha256}:{window}'),
  tenantId: z.string().min(1),
  data: z.record(z.string(), z.unknown()),
  metadata: JobMetadata,
});
