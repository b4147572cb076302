import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { CodedError } from '../../../shared/contract/errors';
import { alertKeys } from '../../../shared/model/alerts';
import { nextWindow, Silence, silenceKeys, type SilenceMatcher, type SilenceSchedule } from '../../../shared/model/silences';
import type { AuditEntry } from './alert-transitions';

/**
 * The environment's silences, shared by every console and `work` process through its Redis like
 * the alerts: one hash of silence id -> JSON. Adding and expiring each write the silence and its
 * entry on the team audit stream in ONE script. A silence is never edited or deleted: expiring sets
 * `expiredAt` once (a second expiry is refused) and the record stays, so an id is never reused and
 * an expired silence never applies again. Expiring also makes the alerts it marked due for resumption
 * at once (their `alertId:R` members of the due set), so escalation resumes now rather than at the
 * window's planned end.
 */

// KEYS: silences, audit. ARGV: id, json, auditJson.
const ADD = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('XADD', KEYS[2], '*', 'data', ARGV[3])
return 1
`;

// KEYS: silences, audit, marked, due. ARGV: id, expected json, new json, auditJson, now.
const EXPIRE = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current then return {'NOT_FOUND'} end
if current ~= ARGV[2] then return {'CONFLICT', current} end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('XADD', KEYS[2], '*', 'data', ARGV[4])
local ids = redis.call('SMEMBERS', KEYS[3])
for _, alertId in ipairs(ids) do redis.call('ZADD', KEYS[4], 'XX', ARGV[5], alertId .. ':R') end
return {'OK', tostring(#ids)}
`;

/** What adding a silence takes; the store fills in id, who and when. */
export interface SilenceInput {
  matchers: SilenceMatcher[];
  schedule: SilenceSchedule;
  reason: string;
}

/** The audit stream's summary of a silence (the whole record: it holds no secret). */
const brief = (s: Silence) => ({ id: s.id, matchers: s.matchers, schedule: s.schedule, expiredAt: s.expiredAt });

export class SilenceStore {
  readonly keys: ReturnType<typeof silenceKeys>;
  private readonly alertKeys: ReturnType<typeof alertKeys>;

  constructor(
    private readonly redis: Redis,
    namespace: string,
  ) {
    this.keys = silenceKeys(namespace);
    this.alertKeys = alertKeys(namespace);
  }

  /** Every silence, newest first; a record that is not a silence (hand-edited) is left out. */
  async list(): Promise<Silence[]> {
    const rows = await this.redis.hgetall(this.keys.silences);
    const out: Silence[] = [];
    for (const json of Object.values(rows)) {
      const parsed = parseSilence(json);
      if (parsed) out.push(parsed);
    }
    return out.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? -1 : 1));
  }

  async get(id: string): Promise<Silence | null> {
    const json = await this.redis.hget(this.keys.silences, id);
    return json ? parseSilence(json) : null;
  }

  /** How many alerts each silence marked, by id. */
  async matchedCounts(): Promise<Record<string, number>> {
    const rows = await this.redis.hgetall(this.keys.matched);
    return Object.fromEntries(Object.entries(rows).map(([id, n]) => [id, Number(n)]));
  }

  /** Creates a silence and its team audit entry in one script. */
  async add(input: SilenceInput, who: string, now: number): Promise<Silence> {
    const parsed = Silence.safeParse({ id: randomUUID(), ...input, createdBy: who, createdAt: now });
    if (!parsed.success) throw new CodedError('VALIDATION', `invalid silence: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const silence = parsed.data;
    if (!nextWindow(silence, now)) throw new CodedError('VALIDATION', 'this silence would never apply: its last window has already ended');
    const audit: AuditEntry = { who, at: now, what: 'silence.add', alertId: '', target: `silence ${silence.id}`, before: null, after: brief(silence), reason: silence.reason };
    const created = await this.redis.eval(ADD, 2, this.keys.silences, this.alertKeys.audit, silence.id, JSON.stringify(silence), JSON.stringify(audit));
    if (created !== 1) throw new CodedError('CONFLICT', `a silence ${silence.id} already exists`);
    return silence;
  }

  /**
   * Expires a silence now, for good: it stops applying at once and the alerts it marked resume
   * escalation (the engines pick them up). Refused when it is already expired.
   */
  async expire(id: string, who: string, now: number, reason?: string): Promise<Silence> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const json = await this.redis.hget(this.keys.silences, id);
      const current = json ? parseSilence(json) : null;
      if (!json || !current) throw new CodedError('NOT_FOUND', `no silence ${id} in this environment`);
      if (current.expiredAt !== undefined) throw new CodedError('VALIDATION', `silence ${id} was already expired by ${current.expiredBy ?? 'someone'} at ${new Date(current.expiredAt).toISOString()}`);
      const next: Silence = { ...current, expiredAt: now, expiredBy: who };
      const audit: AuditEntry = { who, at: now, what: 'silence.expire', alertId: '', target: `silence ${id}`, before: brief(current), after: brief(next), ...(reason ? { reason } : {}) };
      const result = (await this.redis.eval(EXPIRE, 4, this.keys.silences, this.alertKeys.audit, this.keys.marked(id), this.alertKeys.due, id, json, JSON.stringify(next), JSON.stringify(audit), String(now))) as string[];
      if (result[0] === 'OK') return next;
      if (result[0] === 'NOT_FOUND') throw new CodedError('NOT_FOUND', `no silence ${id} in this environment`);
      // Changed between the read and the script (another console expired it): re-read and decide again.
    }
    throw new CodedError('CONFLICT', `silence ${id} kept changing; try again`);
  }
}

function parseSilence(json: string): Silence | null {
  try {
    const parsed = Silence.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
