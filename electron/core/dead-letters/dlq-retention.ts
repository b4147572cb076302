import os from 'node:os';
import type { Redis } from 'ioredis';
import { alertKeys } from '../../../shared/model/alerts';
import type { SecurityAlert, Severity } from '../../../shared/schemas/security-streams';
import { deterministicUuid } from '../workers/deterministic-id';
import { consoleAlert } from '../alerts/console-alert';

/**
 * Seed 000 "Dead Letter Queue Handling" retention: `security.events.dlq` keeps 7 days / 10,000
 * entries, `security.notifications.priority.dlq` 30 days / 1,000. Nothing is trimmed silently:
 * before each trim the entries that go are counted, an entry is written to the environment's team
 * audit stream (who, what, where, how many) and — once per trim episode — an alert is raised on
 * `security.alerts`; all of it and the `XTRIM MINID` (exact) happen in ONE script, so the count is
 * exactly what was removed. Several watchers (consoles, `work` hosts) may run it: a lease lets one
 * of them trim while it lives.
 */

/** One DLQ stream's retention (seed stream name; the namespace is prefixed). */
export interface DlqRetentionRule {
  dlq: string;
  /** Entries older than this (by stream id) go, ms. */
  maxAgeMs: number;
  /** At most this many entries are kept (the oldest go). */
  maxLength: number;
}

const DAY_MS = 86_400_000;

/** Seed 000's two DLQ retention settings. */
export const SEED_DLQ_RETENTION: readonly DlqRetentionRule[] = [
  { dlq: 'security.events.dlq', maxAgeMs: 7 * DAY_MS, maxLength: 10_000 },
  { dlq: 'security.notifications.priority.dlq', maxAgeMs: 30 * DAY_MS, maxLength: 1_000 },
];

/** Titles of the retention alerts start with the DLQ alerts' prefix, so a dead-lettered notification of one raises no further alert. */
const TITLE_PREFIX = 'Dead letters in ';

/** Entries removed per script run at most (each run audited); a larger backlog takes several runs. */
export const RETENTION_BATCH = 2000;

/** Filled in by the script, which alone knows how many go: in text, and as a JSON number (the quoted token). */
const COUNT = '@@TRIMMED@@';
const COUNT_NUMBER = '@@TRIMMED_N@@';
const ALERT_ID = '@@ALERT_ID@@';

// KEYS: dlq, lease, episode marker, audit stream, alerts stream.
// ARGV: watcher, leaseMs, minId, maxLength, batch, episodeMs, alertId, auditJson, alertJson.
// Returns {-1} when another watcher holds the lease, else {trimmed, lengthBefore, byAge, alertRaised}.
const TRIM = `
local len = redis.call('XLEN', KEYS[1])
local over = len - tonumber(ARGV[4])
local batch = tonumber(ARGV[5])
local minMs, minSeq = string.match(ARGV[3], '^(%d+)-(%d+)$')
minMs = tonumber(minMs) minSeq = tonumber(minSeq)
local head = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', batch + 1)
local k, byAge = 0, 0
for i, entry in ipairs(head) do
  if i > batch then break end
  local ms, seq = string.match(entry[1], '^(%d+)-(%d+)$')
  ms = tonumber(ms) seq = tonumber(seq)
  local old = ms < minMs or (ms == minMs and seq < minSeq)
  if old then byAge = i end
  if old or i <= over then k = i else break end
end
if k == 0 then return {0, len, 0, 0} end
-- Only a DLQ with something to trim takes (or renews) the lease: the others write nothing.
local holder = redis.call('GET', KEYS[2])
if holder and holder ~= ARGV[1] then return {-1, len, 0, 0} end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
local function fill(json, alertId)
  json = string.gsub(json, '"@@TRIMMED_N@@"', tostring(k))
  json = string.gsub(json, '@@TRIMMED@@', tostring(k))
  json = string.gsub(json, '@@ALERT_ID@@', alertId)
  return json
end
local episode = redis.call('GET', KEYS[3])
local raised = 0
if not episode then
  episode = ARGV[7]
  redis.call('XADD', KEYS[5], '*', 'data', fill(ARGV[9], episode))
  raised = 1
end
redis.call('SET', KEYS[3], episode, 'PX', ARGV[6])
redis.call('XADD', KEYS[4], '*', 'data', fill(ARGV[8], episode))
if head[k + 1] then
  redis.call('XTRIM', KEYS[1], 'MINID', head[k + 1][1])
else
  redis.call('XTRIM', KEYS[1], 'MAXLEN', 0)
end
return {k, len, byAge, raised}
`;

export interface DlqRetentionOptions {
  namespace: string;
  /** Stands for the seed's `organization_id`: the environment. */
  organizationId: string;
  /** Default {@link SEED_DLQ_RETENTION}. */
  rules?: readonly DlqRetentionRule[];
  /** Who trims, for the audit entry: "system: DLQ retention (<this process>)" by default. */
  who?: string;
  /** Passes are skipped until this long after the previous one, ms (default 60 s). */
  everyMs?: number;
  /** How long a watcher keeps the trimming to itself after its last pass, ms (default 3 × everyMs, at least 30 s). */
  leaseMs?: number;
  /** Trims less than this far apart are one episode (one alert), ms (default 1 hour). */
  episodeMs?: number;
  severity?: Severity;
  now?: () => number;
}

/** What one pass did to one DLQ. */
export interface RetentionTrim {
  dlq: string;
  trimmed: number;
  lengthBefore: number;
  byAge: number;
  alertRaised: boolean;
}

/** Applies the DLQ retention of one environment; call `check()` often (it throttles itself). */
export class DlqRetention {
  private lastPass = Number.NEGATIVE_INFINITY;
  private readonly watcher = `${os.hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  /** Entries this watcher trimmed, alerts it raised (the others' not counted). */
  trimmed = 0;
  raised = 0;

  constructor(
    private readonly redis: Redis,
    private readonly options: DlqRetentionOptions,
  ) {}

  private get now(): number {
    return (this.options.now ?? Date.now)();
  }

  get rules(): readonly DlqRetentionRule[] {
    return this.options.rules ?? SEED_DLQ_RETENTION;
  }

  /** One pass over the DLQs, unless the previous one was less than `everyMs` ago. Returns what was trimmed (nothing when another watcher holds the lease). */
  async check(): Promise<RetentionTrim[]> {
    const now = this.now;
    const everyMs = this.options.everyMs ?? 60_000;
    if (now - this.lastPass < everyMs) return [];
    this.lastPass = now;
    const out: RetentionTrim[] = [];
    for (const rule of this.rules) {
      // A backlog larger than a batch is trimmed in several audited runs within the pass.
      for (let run = 0; run < 50; run++) {
        const trim = await this.trimOnce(rule, Math.max(everyMs * 3, 30_000));
        if (!trim || trim.trimmed === 0) break;
        out.push(trim);
        this.trimmed += trim.trimmed;
        if (trim.alertRaised) this.raised += 1;
        if (trim.trimmed < RETENTION_BATCH) break;
      }
    }
    return out;
  }

  private async trimOnce(rule: DlqRetentionRule, defaultLeaseMs: number): Promise<RetentionTrim | null> {
    const { namespace } = this.options;
    const dlq = `${namespace}${rule.dlq}`;
    const now = this.now;
    const base = `${namespace}watchfloor:dlq-retention:${rule.dlq}:`;
    const keys = alertKeys(namespace);
    const minId = `${Math.max(0, now - rule.maxAgeMs)}-0`;
    const limits = `${formatAge(rule.maxAgeMs)} / ${rule.maxLength} entries`;
    const who = this.options.who ?? `system: DLQ retention (${os.hostname()}-${process.pid})`;
    const audit = {
      who,
      at: now,
      what: 'dlq.trim',
      alertId: ALERT_ID,
      before: { dlq, retention: { maxAgeMs: rule.maxAgeMs, maxLength: rule.maxLength } },
      after: { dlq, trimmed: COUNT_NUMBER, olderThan: new Date(now - rule.maxAgeMs).toISOString() },
      reason: `retention ${limits} (seed 000 dead_letter_queues): ${COUNT} oldest entries removed from ${dlq}`,
    };
    const alert = this.alert(rule, dlq, limits, now);
    const reply = (await this.redis.eval(
      TRIM,
      5,
      dlq,
      `${base}lease`,
      `${base}episode`,
      keys.audit,
      keys.alertsStream,
      this.watcher,
      String(this.options.leaseMs ?? defaultLeaseMs),
      minId,
      String(rule.maxLength),
      String(RETENTION_BATCH),
      String(this.options.episodeMs ?? 3_600_000),
      alert.id,
      JSON.stringify(audit),
      JSON.stringify(alert),
    )) as [number, number, number, number];
    const [trimmed, lengthBefore, byAge, raised] = reply.map(Number) as [number, number, number, number];
    if (trimmed < 0) return null;
    return { dlq, trimmed, lengthBefore, byAge, alertRaised: raised === 1 };
  }

  private alert(rule: DlqRetentionRule, dlq: string, limits: string, now: number): SecurityAlert {
    return consoleAlert({
      id: deterministicUuid(`dlq-retention:${dlq}:${now}`),
      ruleId: deterministicUuid(`dlq-retention-rule:${rule.dlq}`),
      now,
      organizationId: this.options.organizationId,
      assetId: dlq,
      severity: this.options.severity ?? 'high',
      title: `${TITLE_PREFIX}${dlq}: ${COUNT} trimmed by retention (${limits})`,
      message: `Retention removed the ${COUNT} oldest dead letters of ${dlq} (kept: ${limits}, seed 000). Further trims within the hour are audited (team audit log, dlq.trim) without a new alert. Replay or export what matters before it ages out, or change the retention.`,
      slaMs: 3_600_000,
      source: 'watchfloor.dlq-retention',
      metadata: { dlq, trimmed: COUNT_NUMBER as unknown as number, max_age_ms: rule.maxAgeMs, max_length: rule.maxLength },
    });
  }

}

function formatAge(ms: number): string {
  if (ms % DAY_MS === 0) return `${ms / DAY_MS} d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  return `${Math.round(ms / 1000)} s`;
}
