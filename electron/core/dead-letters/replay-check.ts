import type { ZodType } from 'zod';
import { SecurityAlert, SecurityMetric, SecurityNotification, SecurityScan } from '../../../shared/schemas/security-streams';
import type { EntryVerdict, ReplayCheck } from '../../../shared/model/dead-letter';
import { invalidReason } from '../workers/processors/event-handler';
import { parsePayload } from '../workers/processors/parse-payload';
import { matchingRules, SEED_ROUTING_RULES, type RoutingRule } from '../workers/routing-rules';
import { decryptPayload } from '../payload-crypto';
import { CollectedMetrics, DiscoveryMessage, SystemAlert } from '../../../shared/schemas/rabbitmq-messages';
import { parseSeedMessage } from '../workers/rabbit/parse-json';

/**
 * The event check of a replay (issue 21.7): before an entry goes back to a stream, run on it what
 * the stream's processor will run — the seed schema, and for `security.events` the routing rules —
 * so a dry run says "would fail again: severity: …" instead of promising a replay that dead-letters
 * once more. Pure: no I/O. Streams no processor of the pipeline reads are not checked (said so).
 */


const SCHEMAS: Readonly<Record<string, ZodType<unknown>>> = {
  'security.alerts': SecurityAlert,
  'security.scans': SecurityScan,
  'security.metrics': SecurityMetric,
  'security.notifications': SecurityNotification,
};

/** The seed stream name of a target in an environment's namespace, or null if it is outside it. */
function seedName(target: string, namespace: string): string | null {
  return target.startsWith(namespace) ? target.slice(namespace.length) : null;
}

/**
 * What the processor of `target` would make of `payload` (the stored bytes; opened with the
 * environment's key when encrypted, as the workers do).
 */
export function checkEntry(target: string, payload: Buffer | null, options: { namespace: string; payloadKey: Buffer | null; rules?: readonly RoutingRule[] }): EntryVerdict {
  const name = seedName(target, options.namespace);
  const schema = name ? SCHEMAS[name] : undefined;
  if (name !== 'security.events' && !schema) return { verdict: 'unchecked', target, reason: `no pipeline processor reads ${target}` };
  let bytes = payload;
  if (bytes && options.payloadKey) {
    const opened = decryptPayload(bytes, options.payloadKey);
    if (opened && 'error' in opened) return { verdict: 'fails', target, reason: `cannot be decrypted with this environment's key: ${opened.error}` };
    if (opened) bytes = opened.plain;
  }
  if (name === 'security.events') {
    const checked = invalidReason(bytes);
    if ('reason' in checked) return { verdict: 'fails', target, reason: checked.reason };
    const routes = matchingRules(options.rules ?? SEED_ROUTING_RULES, checked.event as unknown as Record<string, unknown>).map((rule) => rule.name);
    return { verdict: 'passes', target, routes };
  }
  const parsed = parsePayload({ id: '', payload: bytes, fields: [], attempts: 0 }, schema!);
  return parsed.ok ? { verdict: 'passes', target, routes: [] } : { verdict: 'fails', target, reason: parsed.reason };
}

/** The seed 002 queues the pipeline's RabbitMQ consumers read, with the message each expects. */
const QUEUE_SCHEMAS: Readonly<Record<string, ZodType<unknown>>> = {
  discovery_queue: DiscoveryMessage,
  metrics_queue: CollectedMetrics,
  alert_queue: SystemAlert,
};

/**
 * What the RabbitMQ consumer of queue `target` would make of a dead letter's bytes: the seed 002
 * schema its consumer parses with (the same function), or unchecked for a queue no pipeline
 * consumer reads.
 */
export function checkRabbitEntry(target: string, content: Buffer, options: { namespace: string }): EntryVerdict {
  const name = seedName(target, options.namespace);
  const schema = name ? QUEUE_SCHEMAS[name] : undefined;
  if (!schema) return { verdict: 'unchecked', target, reason: `no pipeline consumer reads ${target}` };
  const parsed = parseSeedMessage(content, schema);
  return parsed.ok ? { verdict: 'passes', target, routes: [] } : { verdict: 'fails', target, reason: parsed.reason };
}

/** At most this many failing entries are listed in a dry run's check (the count is exact). */
export const MAX_LISTED_FAILURES = 100;

export function emptyCheck(): ReplayCheck {
  return { passes: 0, fails: 0, unchecked: 0, failures: [], routes: {} };
}

/** Adds one entry's verdict to a dry run's check. */
export function addVerdict(check: ReplayCheck, id: string, verdict: EntryVerdict): void {
  if (verdict.verdict === 'passes') {
    check.passes++;
    for (const rule of verdict.routes) check.routes[rule] = (check.routes[rule] ?? 0) + 1;
  } else if (verdict.verdict === 'fails') {
    check.fails++;
    if (check.failures.length < MAX_LISTED_FAILURES) check.failures.push({ id, reason: verdict.reason });
  } else check.unchecked++;
}

/** Sums a part's check into a total. */
export function mergeCheck(total: ReplayCheck, part: ReplayCheck): void {
  total.passes += part.passes;
  total.fails += part.fails;
  total.unchecked += part.unchecked;
  total.failures.push(...part.failures.slice(0, Math.max(0, MAX_LISTED_FAILURES - total.failures.length)));
  for (const [rule, n] of Object.entries(part.routes)) total.routes[rule] = (total.routes[rule] ?? 0) + n;
}
