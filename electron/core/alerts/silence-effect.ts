import type { Redis } from 'ioredis';
import { CodedError } from '../../../shared/contract/errors';
import { levelDueTimes, type AlertLevel, type AlertState } from '../../../shared/model/alerts';
import type { Silence, SilenceWindow } from '../../../shared/model/silences';
import { notConfiguredEntry, notificationFor, silencedState, summary, type AuditEntry } from './alert-transitions';
import { conflict, type AlertStore } from './alert-store';

/**
 * What a silence does to an alert (issue 20), for the escalation engines: mark an alert that an
 * active silence covers (it keeps its due items, moved to the window's end, and gets an
 * `alertId:R` resume item there), and resume it once the silence is over. Both are one fenced
 * compare-and-set script, like the engine's escalations, so with several engines an alert is
 * marked and resumed once each time. Resuming: escalation counts from now (`escalationBase`); an
 * alert still open whose level-1 notification was withheld gets it now; a resolved one nothing.
 */

/** The due-set member that resumes an alert when its silence is over. */
export const resumeMember = (alertId: string) => `${alertId}:R`;

// KEYS: alert, due, audit, lease, marked, matched, silences
// ARGV: expectedVersion, newJson, auditJson, token, silenceId, alertId, resumeScore, member, memberScore
const MARK = `
local v = redis.call('HGET', KEYS[1], 'version')
if not v then return {'NOT_FOUND'} end
if redis.call('GET', KEYS[4]) ~= ARGV[4] then return {'FENCED'} end
if v ~= ARGV[1] then return {'CONFLICT', redis.call('HGET', KEYS[1], 'json')} end
local s = redis.call('HGET', KEYS[7], ARGV[5])
if (not s) or string.find(s, '"expiredAt"', 1, true) then return {'EXPIRED'} end
redis.call('HSET', KEYS[1], 'json', ARGV[2], 'version', tostring(tonumber(v) + 1))
redis.call('ZADD', KEYS[2], ARGV[7], ARGV[6] .. ':R')
redis.call('ZADD', KEYS[2], 'XX', ARGV[9], ARGV[8])
redis.call('SADD', KEYS[5], ARGV[6])
redis.call('HINCRBY', KEYS[6], ARGV[5], 1)
redis.call('XADD', KEYS[3], '*', 'data', ARGV[3])
return {'OK'}
`;

// KEYS: alert, due, audit, notifications, lease, marked
// ARGV: expectedVersion, newJson, auditJson, token, notificationJson ('' = none), alertId, n, (score, member) * n
const RESUME = `
local v = redis.call('HGET', KEYS[1], 'version')
if not v then return {'NOT_FOUND'} end
if redis.call('GET', KEYS[5]) ~= ARGV[4] then return {'FENCED'} end
if v ~= ARGV[1] then return {'CONFLICT', redis.call('HGET', KEYS[1], 'json')} end
redis.call('HSET', KEYS[1], 'json', ARGV[2], 'version', tostring(tonumber(v) + 1))
redis.call('ZREM', KEYS[2], ARGV[6] .. ':R')
local n = tonumber(ARGV[7])
for i = 1, n do redis.call('ZADD', KEYS[2], ARGV[6 + 2 * i], ARGV[7 + 2 * i]) end
redis.call('SREM', KEYS[6], ARGV[6])
redis.call('XADD', KEYS[3], '*', 'data', ARGV[3])
if ARGV[5] ~= '' then redis.call('XADD', KEYS[4], '*', 'data', ARGV[5]) end
return {'OK'}
`;

export class SilenceEffect {
  constructor(
    private readonly redis: Redis,
    private readonly store: AlertStore,
  ) {}

  /** Marks `alert` silenced by `silence` while holding the lease of `member`, which moves to the window's end. */
  async markFenced(alert: AlertState, silence: Silence, window: SilenceWindow, member: string, leaseKey: string, token: string, now: number): Promise<AlertState> {
    const next = silencedState(alert, silence, window, now, false);
    const audit: AuditEntry = { who: 'engine', at: now, what: 'silenced', alertId: alert.id, target: `silence ${silence.id}`, before: summary(alert), after: { ...summary(next), silencedBy: silence.id } };
    const keys = this.store.keys;
    const result = (await this.redis.eval(
      MARK,
      7,
      keys.alert(alert.id),
      keys.due,
      keys.audit,
      leaseKey,
      this.store.silences.keys.marked(silence.id),
      this.store.silences.keys.matched,
      this.store.silences.keys.silences,
      String(alert.version),
      JSON.stringify(next),
      JSON.stringify(audit),
      token,
      silence.id,
      alert.id,
      String(window.end),
      member,
      String(window.end),
    )) as string[];
    this.check(result, alert, token);
    return next;
  }

  /** Resumes an alert whose silence is over, while holding the lease `leaseKey` = `token`. */
  async resumeFenced(alert: AlertState, leaseKey: string, token: string, now: number): Promise<AlertState> {
    const policy = this.store.policy;
    const configured = alert.status === 'open' && alert.isNotificationWithheld ? await this.configured() : null;
    const { silencedBy, silencedUntil: _until, isNotificationWithheld, ...rest } = alert;
    const next: AlertState = { ...rest, escalationBase: now, version: alert.version + 1, updatedBy: 'engine', updatedAt: now, timeline: [...alert.timeline, { who: 'engine', at: now, what: 'resumed', detail: `silence ${silencedBy ?? '?'} ended: escalation counts from now` }] };
    const shouldNotify = alert.status === 'open' && isNotificationWithheld === true;
    if (shouldNotify) next.timeline.push({ who: 'engine', at: now, what: 'notified', detail: `level ${alert.level} (withheld while silenced)` }, ...notConfiguredEntry(next, alert.level, policy, now, configured));
    const due = levelDueTimes(next, policy);
    const members: string[] = [];
    if (alert.status !== 'resolved') for (let l = alert.level + 1; l <= 3; l++) members.push(String(due[l as AlertLevel]), `${alert.id}:${l}`);
    const audit: AuditEntry = { who: 'engine', at: now, what: 'resumed', alertId: alert.id, target: `silence ${silencedBy ?? ''}`, before: { ...summary(alert), silencedBy }, after: summary(next) };
    const keys = this.store.keys;
    const result = (await this.redis.eval(
      RESUME,
      6,
      keys.alert(alert.id),
      keys.due,
      keys.audit,
      keys.notificationsStream,
      leaseKey,
      this.store.silences.keys.marked(silencedBy ?? ''),
      String(alert.version),
      JSON.stringify(next),
      JSON.stringify(audit),
      token,
      shouldNotify ? JSON.stringify(notificationFor(next, alert.level, policy, now, configured)) : '',
      alert.id,
      String(members.length / 2),
      ...members,
    )) as string[];
    this.check(result, alert, token);
    return next;
  }

  private async configured(): Promise<ReadonlySet<string> | null> {
    try {
      return (await this.store.configuredChannels?.()) ?? null;
    } catch {
      return null;
    }
  }

  private check(result: string[], alert: AlertState, token: string): void {
    if (result[0] === 'OK') return;
    if (result[0] === 'NOT_FOUND') throw new CodedError('NOT_FOUND', `no alert ${alert.id}`);
    if (result[0] === 'FENCED') throw new CodedError('CONFLICT', `lease for ${alert.id} expired or taken over (fencing token ${token} rejected)`, { fenced: true });
    if (result[0] === 'EXPIRED') throw new CodedError('CONFLICT', `the silence of ${alert.id} was expired meanwhile`);
    throw conflict(JSON.parse(result[1] ?? '{}') as AlertState);
  }
}
