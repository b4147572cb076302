import { z } from 'zod';
import { Severity } from '../schemas/security-streams';

/**
 * Queue-health rules (seed 000 "Alerting on Queue Issues", seed 002 "Alert on Queue Backlog").
 *
 * What each kind measures, from what the monitor samples today:
 * - `consumer-lag`: a consumer group's lag (entries not yet delivered to it), per stream/group.
 * - `processing-error-rate`: per source stream S, over the last 60 s, the entries added to its DLQ
 *   (`S.dlq`) divided by the entries read by all of S's consumer groups, in percent. No worker
 *   reports its errors yet, so a dead letter is the observable "processing error"; each group
 *   reading an entry is one processing attempt.
 * - `dlq-growth`: entries added to a DLQ stream or DLQ queue within the last hour (a count over a
 *   sliding hour, not an extrapolation, so a few dead letters right after start-up do not fire).
 * - `queue-depth`: a RabbitMQ queue's ready + unacknowledged messages (ready only when unknown).
 */
export const RuleKind = z.enum(['consumer-lag', 'processing-error-rate', 'dlq-growth', 'queue-depth']);
export type RuleKind = z.infer<typeof RuleKind>;

/** Seconds a condition must hold before it fires: 0 (at once) up to a day. */
export const MAX_FOR_SECONDS = 86_400;

export const HealthRule = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a rule id is lower-case letters, digits and dashes'),
    kind: RuleKind,
    enabled: z.boolean(),
    threshold: z.number().finite().min(0, 'the threshold must be 0 or more'),
    forSeconds: z.number().int('whole seconds').min(0, 'for must be 0 s or more').max(MAX_FOR_SECONDS, `for must be at most ${MAX_FOR_SECONDS} s (a day)`),
    severity: Severity,
  })
  .strict();
export type HealthRule = z.infer<typeof HealthRule>;

/** A rule set: unique ids. */
export const HealthRuleList = z
  .array(HealthRule)
  .min(1)
  .max(50)
  .refine((rules) => new Set(rules.map((r) => r.id)).size === rules.length, 'rule ids must be unique');

/** The unit of a kind's threshold, for labels. */
export const RULE_UNITS: Record<RuleKind, string> = {
  'consumer-lag': 'entries',
  'processing-error-rate': '%',
  'dlq-growth': 'entries/hour',
  'queue-depth': 'messages',
};

/**
 * The seed defaults. Seed 002 gives RabbitMQ depth levels as actions, not severities:
 * "> 1000: increase consumers" is a capacity warning (medium), "> 10000: alert operations team"
 * pages people (high).
 */
export const DEFAULT_HEALTH_RULES: readonly HealthRule[] = [
  { id: 'consumer-lag', kind: 'consumer-lag', enabled: true, threshold: 1000, forSeconds: 300, severity: 'high' },
  { id: 'processing-error-rate', kind: 'processing-error-rate', enabled: true, threshold: 5, forSeconds: 120, severity: 'critical' },
  { id: 'dlq-growth', kind: 'dlq-growth', enabled: true, threshold: 50, forSeconds: 0, severity: 'medium' },
  { id: 'queue-depth-1000', kind: 'queue-depth', enabled: true, threshold: 1000, forSeconds: 0, severity: 'medium' },
  { id: 'queue-depth-10000', kind: 'queue-depth', enabled: true, threshold: 10_000, forSeconds: 0, severity: 'high' },
];

/** What happened to the alert of a firing rule. */
export const AlertWriteState = z.enum(['pending', 'written', 'already-written', 'read-only', 'storm-capped', 'failed']);
export type AlertWriteState = z.infer<typeof AlertWriteState>;

/** One rule firing on one subject (a stream/group, a stream or a queue). */
export const FiringRule = z.object({
  ruleId: z.string(),
  kind: RuleKind,
  severity: Severity,
  /** What it fires on, e.g. "security.events / alert-engine" or "rabbitmq:alert_queue". */
  subject: z.string(),
  value: z.number(),
  threshold: z.number(),
  /** Epoch ms since when the condition has held. */
  conditionSince: z.number(),
  /** Epoch ms when it fired. */
  firingSince: z.number(),
  alert: z.object({
    state: AlertWriteState,
    /** The alert's `id` when this console wrote it. */
    alertId: z.string().nullable(),
    /** Why it was not written, in words. */
    note: z.string().nullable(),
  }),
});
export type FiringRule = z.infer<typeof FiringRule>;

/** The rules of one environment and what is firing now. */
export const RulesState = z.object({
  envId: z.string(),
  rules: z.array(HealthRule),
  /** True when the environment uses the seed defaults (nothing saved). */
  isDefault: z.boolean(),
  isReadOnly: z.boolean(),
  firing: z.array(FiringRule),
  /** The stream alerts are written to, e.g. "ns:security.alerts". */
  alertStream: z.string(),
});
export type RulesState = z.infer<typeof RulesState>;

/** Severity order, worst first. */
export const SEVERITY_RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };

/** The worst severity of a list, or null when it is empty. */
export function worstSeverity(severities: Iterable<Severity>): Severity | null {
  let worst: Severity | null = null;
  for (const severity of severities) if (worst === null || SEVERITY_RANK[severity] < SEVERITY_RANK[worst]) worst = severity;
  return worst;
}
