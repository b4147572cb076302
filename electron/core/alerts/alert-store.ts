import type { Redis } from 'ioredis';
import { CodedError } from '../../../shared/contract/errors';
import {
  alertKeys,
  levelDueTimes,
  type AlertLevel,
  type AlertState,
  type EscalationPolicy,
} from '../../../shared/model/alerts';
import type { TeamAuditEntry } from '../../../shared/model/audit';
import type { SecurityAlert } from '../../../shared/schemas/security-streams';
import { alertTarget, silenceFor } from '../../../shared/model/silences';
import { readSharedPolicy } from './shared-policy';
import { SilenceStore } from './silence-store';
import { readInPages, type PagedRead } from './alert-pages';
import { applyAction, initialState, notConfiguredEntry, notificationFor, readAuditEntry, silencedState, statusNotificationFor, summary, type ActionInput, type AuditEntry } from './alert-transitions';

export type { ActionInput, AlertAction, AuditEntry } from './alert-transitions';

/**
 * Alert state in the environment's Redis: one hash per alert (`json`, `version`), a due-time ZSET
 * of `alertId:level` members, a fencing counter and the team audit stream. Every write is ONE Lua
 * script that compare-and-sets the version, so two consoles never both apply a transition.
 */

// KEYS: alert, index, due, alertsAudit, notifications, marked, matched, silences (the last three: silences.ts)
// ARGV: id, json, createdAt, member2, due2, member3, due3, auditJson, notificationJson ('' = withheld),
//       silenceId ('' = none), resumeAt — a silence expired meanwhile makes the alert resume at once.
const CREATE = `
if redis.call('HSETNX', KEYS[1], 'json', ARGV[2]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'version', '1')
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[5], ARGV[4], ARGV[7], ARGV[6])
redis.call('XADD', KEYS[4], '*', 'data', ARGV[8])
if ARGV[9] ~= '' then redis.call('XADD', KEYS[5], '*', 'data', ARGV[9]) end
if ARGV[10] ~= '' then
  local s = redis.call('HGET', KEYS[8], ARGV[10])
  local resumeAt = ARGV[11]
  if (not s) or string.find(s, '"expiredAt"', 1, true) then resumeAt = '0' end
  redis.call('ZADD', KEYS[3], resumeAt, ARGV[1] .. ':R')
  redis.call('SADD', KEYS[6], ARGV[1])
  redis.call('HINCRBY', KEYS[7], ARGV[10], 1)
end
return 1
`;

// KEYS: alert, due, audit, notifications, lease (or same as alert when no fencing)
// ARGV: expectedVersion, newJson, auditJson, fenceToken ('' = none), notificationJson ('' = none), nZrem, members...
const CAS = `
local v = redis.call('HGET', KEYS[1], 'version')
if not v then return {'NOT_FOUND'} end
if ARGV[4] ~= '' then
  if redis.call('GET', KEYS[5]) ~= ARGV[4] then return {'FENCED'} end
end
if v ~= ARGV[1] then return {'CONFLICT', redis.call('HGET', KEYS[1], 'json')} end
redis.call('HSET', KEYS[1], 'json', ARGV[2], 'version', tostring(tonumber(v) + 1))
local n = tonumber(ARGV[6])
for i = 1, n do redis.call('ZREM', KEYS[2], ARGV[6 + i]) end
redis.call('XADD', KEYS[3], '*', 'data', ARGV[3])
if ARGV[5] ~= '' then redis.call('XADD', KEYS[4], '*', 'data', ARGV[5]) end
return {'OK'}
`;

// Drop a due member only while holding its lease.
const DROP_FENCED = `
if redis.call('GET', KEYS[2]) ~= ARGV[2] then return 0 end
return redis.call('ZREM', KEYS[1], ARGV[1])
`;

export class AlertStore {
  readonly keys: ReturnType<typeof alertKeys>;
  /** The environment's silences: an alert one covers is recorded silenced, its notification withheld. */
  readonly silences: SilenceStore;
  private policyReadAt = Number.NEGATIVE_INFINITY;
  private readonly fallbackPolicy: EscalationPolicy;
  /**
   * The channels with a destination configured, as this process knows them (its notification
   * destinations); null when unknown — then only channel names no sender exists for are recorded
   * as not configured.
   */
  configuredChannels: (() => Promise<ReadonlySet<string> | null>) | null = null;

  constructor(
    private readonly redis: Redis,
    namespace: string,
    /** Replaced when the environment's shared policy changes (see AlertService). */
    public policy: EscalationPolicy,
    /**
     * Outside a console (the workers), nobody else loads the shared policy into this store: with
     * this set, it re-reads it before an ingest at most this often, ms.
     */
    private readonly followSharedPolicyMs: number | null = null,
  ) {
    this.keys = alertKeys(namespace);
    this.silences = new SilenceStore(redis, namespace);
    this.fallbackPolicy = policy;
  }

  /** Re-reads the environment's shared policy when `followSharedPolicyMs` has passed; returns why the stored one was not used, if so. */
  async followPolicy(now = Date.now()): Promise<string | null> {
    if (this.followSharedPolicyMs === null || now - this.policyReadAt < this.followSharedPolicyMs) return null;
    const { policy, problem } = await readSharedPolicy(this.redis, this.keys.policy, this.fallbackPolicy);
    this.policy = policy;
    this.policyReadAt = now;
    return problem;
  }

  /**
   * Creates the alert state once (idempotent), emits level 1 and schedules levels 2 and 3. When an
   * active silence covers it, it is recorded silenced and level 1 is withheld until the silence ends.
   */
  async ingest(msg: SecurityAlert, now = Date.now()): Promise<boolean> {
    await this.followPolicy(now);
    const configured = await this.configured();
    const initial = initialState(msg, now);
    const cover = silenceFor(await this.silences.list(), alertTarget(initial), now);
    const state: AlertState = cover
      ? silencedState({ ...initial, timeline: initial.timeline.filter((t) => t.what !== 'notified') }, cover.silence, cover.window, now, true)
      : { ...initial, timeline: [...initial.timeline, ...notConfiguredEntry(initial, 1, this.policy, now, configured)] };
    const due = levelDueTimes(state, this.policy);
    const audit: AuditEntry = { who: 'engine', at: now, what: 'created', alertId: state.id, before: null, after: { ...summary(state), ...(cover ? { silencedBy: cover.silence.id } : {}) } };
    const silenceKeys = this.silences.keys;
    const created = await this.redis.eval(
      CREATE,
      8,
      this.keys.alert(state.id),
      this.keys.index,
      this.keys.due,
      this.keys.audit,
      this.keys.notificationsStream,
      silenceKeys.marked(cover?.silence.id ?? ''),
      silenceKeys.matched,
      silenceKeys.silences,
      state.id,
      JSON.stringify(state),
      String(state.createdAt),
      `${state.id}:2`,
      String(due[2]),
      `${state.id}:3`,
      String(due[3]),
      JSON.stringify(audit),
      cover ? '' : JSON.stringify(notificationFor(state, 1, this.policy, now, configured)),
      cover?.silence.id ?? '',
      String(cover?.window.end ?? 0),
    );
    return created === 1;
  }

  private async configured(): Promise<ReadonlySet<string> | null> {
    try {
      return (await this.configuredChannels?.()) ?? null;
    } catch {
      // Not knowing the destinations only loses the "not configured" detail, never the alert.
      return null;
    }
  }

  async get(id: string): Promise<AlertState | null> {
    const json = await this.redis.hget(this.keys.alert(id), 'json');
    return json ? (JSON.parse(json) as AlertState) : null;
  }

  /**
   * The alerts from the `offset`-th newest on, at most `limit`, by creation time, read in bounded
   * pages (alert-pages.ts); `unread` says how many of the listed ids could not be read and why.
   */
  async list(limit = 1000, offset = 0): Promise<PagedRead> {
    return this.getMany(await this.redis.zrevrange(this.keys.index, offset, offset + limit - 1));
  }

  async count(): Promise<number> {
    return this.redis.zcard(this.keys.index);
  }

  /** One analyst action as a compare-and-set on `expectedVersion`. */
  async act(input: ActionInput, who: string, now = Date.now()): Promise<AlertState> {
    const current = await this.get(input.id);
    if (!current) throw new CodedError('NOT_FOUND', `no alert ${input.id}`);
    if (current.version !== input.expectedVersion) throw conflict(current);
    const configured = input.action === 'escalate' ? await this.configured() : null;
    const applied = applyAction(current, input, who, now);
    const next: AlertState = input.action === 'escalate' ? { ...applied, timeline: [...applied.timeline, ...notConfiguredEntry(applied, applied.level, this.policy, now, configured)] } : applied;
    const zrem: string[] = [];
    if (input.action === 'resolve') zrem.push(`${current.id}:2`, `${current.id}:3`);
    if (input.action === 'ack' && now < levelDueTimes(current, this.policy)[2]) zrem.push(`${current.id}:2`);
    if (input.action === 'escalate') for (let l = 2; l <= next.level; l++) zrem.push(`${current.id}:${l}`);
    const status = input.action === 'ack' ? statusNotificationFor(next, 'acknowledge', this.policy, now) : input.action === 'resolve' ? statusNotificationFor(next, 'resolve', this.policy, now) : null;
    const notification = input.action === 'escalate' ? JSON.stringify(notificationFor(next, next.level, this.policy, now, configured)) : status ? JSON.stringify(status) : '';
    const audit: AuditEntry = { who, at: now, what: input.action, alertId: current.id, before: summary(current), after: summary(next), ...(input.reason ? { reason: input.reason } : {}) };
    await this.cas(current, next, audit, zrem, notification, null);
    return next;
  }

  /** Escalation by the engine while holding the lease `leaseKey` = `token` (fencing). */
  async escalateFenced(current: AlertState, level: AlertLevel, leaseKey: string, token: string, now = Date.now()): Promise<AlertState> {
    const configured = await this.configured();
    const next: AlertState = {
      ...current,
      level,
      version: current.version + 1,
      updatedBy: 'engine',
      updatedAt: now,
      timeline: [...current.timeline, { who: 'engine', at: now, what: 'escalated', detail: `level ${level}` }, { who: 'engine', at: now, what: 'notified', detail: `level ${level}` }],
    };
    next.timeline.push(...notConfiguredEntry(next, level, this.policy, now, configured));
    const zrem: string[] = [];
    for (let l = 2; l <= level; l++) zrem.push(`${current.id}:${l}`);
    const audit: AuditEntry = { who: 'engine', at: now, what: `escalate L${level}`, alertId: current.id, before: summary(current), after: summary(next) };
    await this.cas(current, next, audit, zrem, JSON.stringify(notificationFor(next, level, this.policy, now, configured)), { leaseKey, token });
    return next;
  }

  /** Removes a due member that no longer applies, only while holding its lease. */
  async dropDue(member: string, leaseKey: string, token: string): Promise<void> {
    await this.redis.eval(DROP_FENCED, 2, this.keys.due, leaseKey, member, token);
  }

  /** The team audit stream, newest first; `before` is an exclusive cursor (a stream id). */
  async audit(count = 100, before?: string): Promise<TeamAuditEntry[]> {
    const rows = await this.redis.xrevrange(this.keys.audit, before ? `(${before}` : '+', '-', 'COUNT', count);
    return rows.map(([streamId, fields]) => readAuditEntry(streamId, fields));
  }

  /** Fetches several alerts in bounded pipelines; what could not be read is counted in `unread`, never dropped quietly. */
  async getMany(ids: readonly string[]): Promise<PagedRead> {
    return readInPages(ids, async (page) => {
      const pipe = this.redis.pipeline();
      for (const id of page) pipe.hget(this.keys.alert(id), 'json');
      return (await pipe.exec()) ?? [];
    });
  }

  private async cas(current: AlertState, next: AlertState, audit: AuditEntry, zrem: string[], notification: string, fence: { leaseKey: string; token: string } | null): Promise<void> {
    const key = this.keys.alert(current.id);
    const result = (await this.redis.eval(
      CAS,
      5,
      key,
      this.keys.due,
      this.keys.audit,
      this.keys.notificationsStream,
      fence?.leaseKey ?? key,
      String(current.version),
      JSON.stringify(next),
      JSON.stringify(audit),
      fence?.token ?? '',
      notification,
      String(zrem.length),
      ...zrem,
    )) as string[];
    if (result[0] === 'OK') return;
    if (result[0] === 'NOT_FOUND') throw new CodedError('NOT_FOUND', `no alert ${current.id}`);
    if (result[0] === 'FENCED') throw new CodedError('CONFLICT', `lease for ${current.id} expired or taken over (fencing token ${fence?.token} rejected)`, { fenced: true });
    throw conflict(JSON.parse(result[1] ?? '{}') as AlertState);
  }
}

export function conflict(current: AlertState): CodedError {
  return new CodedError('CONFLICT', `alert ${current.id} was changed by ${current.updatedBy} at ${new Date(current.updatedAt).toISOString()} (now version ${current.version}); reload and retry`, {
    version: current.version,
    updatedBy: current.updatedBy,
    updatedAt: current.updatedAt,
  });
}
