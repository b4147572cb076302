import type { Redis } from 'ioredis';
import { DLQ_FIELDS } from '../../../shared/model/dead-letter';
import { STREAM_PAYLOAD_FIELD } from '../../../shared/model/topology';
import { fieldOf } from '../brokers/redis/fields';
import type { SecurityAlert, Severity } from '../../../shared/schemas/security-streams';
import { DlqRetention, type DlqRetentionOptions } from '../dead-letters/dlq-retention';
import { deterministicUuid } from '../workers/deterministic-id';
import { consoleAlert } from './console-alert';

/**
 * Seed 000 "Dead Letter Queue Handling": `security.notifications.priority.dlq` has
 * `immediate_alert: true` (every entry that reaches it raises an alert at once) and
 * `security.events.dlq` a `notification_threshold` of 100 entries. The alerts are seed-000
 * messages on `security.alerts`, so they take the alerts' normal path (stored once, notified,
 * escalated). Several watchers — consoles and `work` hosts — may run at once: each new entry is
 * claimed with a compare-and-set on a shared cursor and the alert is appended in the same script,
 * so it is raised once; the threshold alert is raised once per episode (until the DLQ is back
 * under the threshold).
 */

/** One watched DLQ (seed stream name; the namespace is prefixed). */
export type DlqAlertRule = { dlq: string; severity: Severity } & ({ kind: 'each-entry' } | { kind: 'threshold'; threshold: number });

/** Seed 000's two DLQ alert settings. */
export const SEED_DLQ_ALERTS: readonly DlqAlertRule[] = [
  { dlq: 'security.notifications.priority.dlq', kind: 'each-entry', severity: 'critical' },
  { dlq: 'security.events.dlq', kind: 'threshold', threshold: 100, severity: 'medium' },
];

/**
 * Titles of the alerts raised here start with this. A dead-lettered notification OF such an alert
 * (its email could not be delivered either) raises no further alert: that would feed itself.
 */
export const DLQ_ALERT_TITLE = 'Dead letters in ';

/** Entries claimed per check; more are left for the next one (a further alert). */
const BATCH = 100;

// KEYS: cursor, alerts stream. ARGV: expected cursor, new cursor, alert JSON ('' = none).
const ADVANCE = `
if (redis.call('GET', KEYS[1]) or '') ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
if ARGV[3] ~= '' then redis.call('XADD', KEYS[2], '*', 'data', ARGV[3]) end
return 1
`;

// KEYS: dlq, marker, alerts stream. ARGV: threshold, alert JSON. 1 = raised, 0 = held, -1 = under (re-armed).
const THRESHOLD = `
if redis.call('XLEN', KEYS[1]) < tonumber(ARGV[1]) then redis.call('DEL', KEYS[2]) return -1 end
if not redis.call('SET', KEYS[2], '1', 'NX') then return 0 end
redis.call('XADD', KEYS[3], '*', 'data', ARGV[2])
return 1
`;

export interface DlqAlertWatchOptions {
  namespace: string;
  /** Stands for the seed's `organization_id` (the console knows no tenant): the environment. */
  organizationId: string;
  rules?: readonly DlqAlertRule[];
  /** Checks are skipped until this long after the previous one, ms. */
  everyMs?: number;
  now?: () => number;
  /**
   * Seed 000's DLQ retention (see {@link DlqRetention}), applied by the same watchers so a
   * server-only deployment applies it too; false turns it off. Default: the seed's limits.
   */
  retention?: Partial<Omit<DlqRetentionOptions, 'namespace' | 'organizationId'>> | false;
}

type Entry = [string, string[]];

/** Raises seed 000's DLQ alerts for one environment; call `check()` often (it throttles itself). */
export class DlqAlertWatch {
  private lastCheck = Number.NEGATIVE_INFINITY;
  /** Alerts this watcher raised (the others' not counted). */
  raised = 0;
  readonly retention: DlqRetention | null;

  constructor(
    private readonly redis: Redis,
    private readonly options: DlqAlertWatchOptions,
  ) {
    this.retention = options.retention === false ? null : new DlqRetention(redis, { namespace: options.namespace, organizationId: options.organizationId, ...(options.now ? { now: options.now } : {}), ...options.retention });
  }

  private get now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** One pass over the watched DLQs, unless the previous one was less than `everyMs` ago. Returns alerts raised. */
  async check(): Promise<number> {
    const now = this.now;
    if (now - this.lastCheck < (this.options.everyMs ?? 1000)) return 0;
    this.lastCheck = now;
    let raised = 0;
    for (const rule of this.options.rules ?? SEED_DLQ_ALERTS) raised += rule.kind === 'each-entry' ? await this.checkEntries(rule) : await this.checkThreshold(rule, rule.threshold);
    // After the alerts: an entry about to age out has had its alert first.
    if (this.retention) raised += (await this.retention.check()).filter((trim) => trim.alertRaised).length;
    this.raised += raised;
    return raised;
  }

  private key(rule: DlqAlertRule, part: string): string {
    return `${this.options.namespace}watchfloor:dlq-alerts:${rule.dlq}:${part}`;
  }

  private get alertStream(): string {
    return `${this.options.namespace}security.alerts`;
  }

  private async checkEntries(rule: DlqAlertRule): Promise<number> {
    const dlq = `${this.options.namespace}${rule.dlq}`;
    const cursorKey = this.key(rule, 'cursor');
    let cursor = await this.redis.get(cursorKey);
    if (cursor === null) {
      // The first watcher ever starts at the DLQ's end: what was there before is known history.
      const last = (await this.redis.xrevrange(dlq, '+', '-', 'COUNT', 1)) as Entry[];
      await this.redis.set(cursorKey, last[0]?.[0] ?? '0-0', 'NX');
      cursor = (await this.redis.get(cursorKey)) ?? '0-0';
    }
    const entries = (await this.redis.xrange(dlq, `(${cursor}`, '+', 'COUNT', BATCH)) as Entry[];
    if (!entries.length) return 0;
    const alerting = entries.filter(([, fields]) => !isAboutDlqAlert(fields));
    const alert = alerting.length ? this.entriesAlert(rule, dlq, alerting) : null;
    const won = await this.redis.eval(ADVANCE, 2, cursorKey, this.alertStream, cursor, entries[entries.length - 1]![0], alert ? JSON.stringify(alert) : '');
    // Another watcher moved the cursor first: it raised the alert for these entries.
    return won === 1 && alert ? 1 : 0;
  }

  private async checkThreshold(rule: DlqAlertRule, threshold: number): Promise<number> {
    const dlq = `${this.options.namespace}${rule.dlq}`;
    const length = await this.redis.xlen(dlq);
    const alert = this.baseAlert(rule, dlq, `${DLQ_ALERT_TITLE}${dlq}: ${length} entries (threshold ${threshold})`, `${length} dead letters in ${dlq}, at or over seed 000's notification threshold of ${threshold}. Look at what failed (Dead letters view, or watchfloor dlq groups) and replay or purge.`, `threshold:${dlq}:${this.now}`, { count: length, threshold });
    return (await this.redis.eval(THRESHOLD, 3, dlq, this.key(rule, 'over-threshold'), this.alertStream, String(threshold), JSON.stringify(alert))) === 1 ? 1 : 0;
  }

  private entriesAlert(rule: DlqAlertRule, dlq: string, entries: Entry[]): SecurityAlert {
    const described = entries.slice(0, 5).map(([id, fields]) => `${id}: ${describe(fields)}`);
    const more = entries.length > described.length ? ` (+${entries.length - described.length} more)` : '';
    const what = entries.length === 1 ? 'A notification' : `${entries.length} notifications`;
    return this.baseAlert(
      rule,
      dlq,
      `${DLQ_ALERT_TITLE}${dlq}: ${what.toLowerCase()} could not be delivered`,
      `${what} reached ${dlq} (seed 000: priority notifications alert at once) — ${described.join('; ')}${more}. Replay them once the destination works (Dead letters view, or watchfloor dlq replay).`,
      `entries:${dlq}:${entries[0]![0]}`,
      { count: entries.length, first_entry_id: entries[0]![0], last_entry_id: entries[entries.length - 1]![0], entry_ids: entries.slice(0, 20).map(([id]) => id) },
    );
  }

  private baseAlert(rule: DlqAlertRule, dlq: string, title: string, message: string, idName: string, details: Record<string, unknown>): SecurityAlert {
    return consoleAlert({
      id: deterministicUuid(`dlq-alert:${idName}`),
      ruleId: deterministicUuid(`dlq-alert-rule:${rule.dlq}:${rule.kind}`),
      now: this.now,
      organizationId: this.options.organizationId,
      assetId: dlq,
      severity: rule.severity,
      title,
      message,
      slaMs: 3_600_000,
      source: 'watchfloor.dlq-watch',
      metadata: { dlq, ...details },
    });
  }

}

function payloadOf(fields: string[]): Record<string, unknown> | null {
  const raw = fieldOf(fields, STREAM_PAYLOAD_FIELD);
  try {
    const parsed = JSON.parse(raw ?? '') as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** True when the dead letter is a notification of an alert raised here. */
function isAboutDlqAlert(fields: string[]): boolean {
  const payload = payloadOf(fields);
  const title = payload?.title ?? (payload?.payload as { title?: unknown } | undefined)?.title;
  return typeof title === 'string' && title.startsWith(DLQ_ALERT_TITLE);
}

/** "title (error)" of a dead letter, bounded, for the alert's message. */
function describe(fields: string[]): string {
  const payload = payloadOf(fields);
  const title = payload?.title ?? (payload?.payload as { title?: unknown } | undefined)?.title;
  const at = fields.indexOf(DLQ_FIELDS.error);
  const error = at >= 0 ? fields[at + 1] : undefined;
  const name = typeof title === 'string' ? title : 'unreadable entry';
  return `${name.slice(0, 80)}${error ? ` (${error.slice(0, 120)})` : ''}`;
}
