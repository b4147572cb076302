import type { Redis } from 'ioredis';
import { CodedError } from '../../../shared/contract/errors';
import { alertKeys } from '../../../shared/model/alerts';
import {
  SAVED_SEARCHES_MAX,
  SavedSearch,
  SavedSearchName,
  SavedSearchRun,
  describeSavedQuery,
  savedSearchKey,
  savedSearchKeys,
  type SavedSearchQuery,
  type SavedSearchView,
} from '../../../shared/model/saved-searches';
import type { AuditEntry } from '../alerts/alert-transitions';

/**
 * The environment's saved searches (issue 20), shared by every console and the CLI through its Redis
 * like the silences: one hash of name key -> JSON beside the alert keys. Saving and deleting each write
 * the change and its entry on the team audit stream in ONE script, compare-and-set on what was read,
 * so two consoles saving the same name at once cannot both win silently. The last run (count, when,
 * by whom) is kept in a hash of its own and written by whoever runs the search, a viewer too: it is an
 * observation, not a change of the search, so it is neither audited nor role-checked.
 */

// KEYS: searches, runs, audit. ARGV: key, expected json ('' = must not exist), new json, auditJson, max.
const SAVE = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if ARGV[2] == '' then
  if current then return {'EXISTS', current} end
  if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[5]) then return {'FULL'} end
elseif current ~= ARGV[2] then
  return {'CONFLICT', current or ''}
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('XADD', KEYS[3], '*', 'data', ARGV[4])
return {'OK'}
`;

// KEYS: searches, runs, audit. ARGV: key, expected json, auditJson.
const DELETE = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current then return {'NOT_FOUND'} end
if current ~= ARGV[2] then return {'CONFLICT'} end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('XADD', KEYS[3], '*', 'data', ARGV[3])
return {'OK'}
`;

// KEYS: searches, runs. ARGV: key, updatedAt of the version run, run json, run at.
// Recorded only for the version that was run, and never over a later run.
const RECORD_RUN = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current then return 'NOT_FOUND' end
if tostring(cjson.decode(current).updatedAt) ~= ARGV[2] then return 'STALE' end
local last = redis.call('HGET', KEYS[2], ARGV[1])
if last and tonumber(cjson.decode(last).at) > tonumber(ARGV[4]) then return 'OLDER' end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
return 'OK'
`;

/** What saving takes; the store fills in who and when. */
export interface SavedSearchInput {
  name: string;
  query: SavedSearchQuery;
  description?: string;
  /** Replace a search of the same name (any case); without it a taken name is refused. */
  overwrite?: boolean;
}

/** What the audit stream keeps of a saved search (it holds no secret: the query is what was typed). */
const brief = (s: SavedSearch) => ({ name: s.name, query: s.query, ...(s.description ? { description: s.description } : {}) });

const issuesText = (error: { issues: { path: PropertyKey[]; message: string }[] }) => error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');

export class SavedSearchStore {
  readonly keys: ReturnType<typeof savedSearchKeys>;
  private readonly auditKey: string;

  constructor(
    private readonly redis: Redis,
    namespace: string,
  ) {
    this.keys = savedSearchKeys(namespace);
    this.auditKey = alertKeys(namespace).audit;
  }

  /** Every saved search with its last run, by name; a record that does not parse (hand-edited) is left out. */
  async list(): Promise<SavedSearchView[]> {
    const [rows, runs] = await Promise.all([this.redis.hgetall(this.keys.searches), this.redis.hgetall(this.keys.runs)]);
    const out: SavedSearchView[] = [];
    for (const [key, json] of Object.entries(rows)) {
      const search = parse(SavedSearch, json);
      if (search) out.push({ ...search, lastRun: runs[key] ? parse(SavedSearchRun, runs[key]) : null });
    }
    return out.sort((a, b) => (savedSearchKey(a.name) < savedSearchKey(b.name) ? -1 : 1));
  }

  /** The saved search called `name` (any case) with its last run, or null. */
  async get(name: string): Promise<SavedSearchView | null> {
    const key = savedSearchKey(name);
    const [json, run] = await Promise.all([this.redis.hget(this.keys.searches, key), this.redis.hget(this.keys.runs, key)]);
    const search = json ? parse(SavedSearch, json) : null;
    return search ? { ...search, lastRun: run ? parse(SavedSearchRun, run) : null } : null;
  }

  /** Saves a search and its team audit entry in one script; a taken name needs `overwrite` (the last run is then forgotten: it counted another query). */
  async save(input: SavedSearchInput, who: string, now: number): Promise<SavedSearch> {
    const name = SavedSearchName.safeParse(input.name);
    if (!name.success) throw new CodedError('VALIDATION', issuesText(name.error));
    const key = savedSearchKey(name.data);
    for (let attempt = 0; attempt < 5; attempt++) {
      const json = await this.redis.hget(this.keys.searches, key);
      const current = json ? parse(SavedSearch, json) : null;
      if (json && !input.overwrite) {
        const by = current ? ` (saved by ${current.updatedBy} at ${new Date(current.updatedAt).toISOString()})` : '';
        throw new CodedError('CONFLICT', `a saved search named "${current?.name ?? name.data}" already exists in this environment${by}: choose another name, or overwrite it`);
      }
      const parsed = SavedSearch.safeParse({
        name: name.data,
        query: input.query,
        ...(input.description?.trim() ? { description: input.description.trim() } : {}),
        createdBy: current?.createdBy ?? who,
        createdAt: current?.createdAt ?? now,
        updatedBy: who,
        // Strictly after the version it replaces, so a run of that version is told apart.
        updatedAt: current ? Math.max(now, current.updatedAt + 1) : now,
      });
      if (!parsed.success) throw new CodedError('VALIDATION', `invalid saved search: ${issuesText(parsed.error)}`);
      const search = parsed.data;
      const audit: AuditEntry = { who, at: now, what: 'search.save', alertId: '', target: `saved search ${search.name}`, before: current ? brief(current) : null, after: { ...brief(search), text: describeSavedQuery(search.query) } };
      const result = (await this.redis.eval(SAVE, 3, this.keys.searches, this.keys.runs, this.auditKey, key, json ?? '', JSON.stringify(search), JSON.stringify(audit), String(SAVED_SEARCHES_MAX))) as string[];
      if (result[0] === 'OK') return search;
      if (result[0] === 'FULL') throw new CodedError('VALIDATION', `this environment already has ${SAVED_SEARCHES_MAX} saved searches: delete one first`);
      // Saved or changed by another console between the read and the script: decide again on what is there now.
    }
    throw new CodedError('CONFLICT', `saved search "${name.data}" kept changing; try again`);
  }

  /** Deletes a saved search (and its last run) with its team audit entry in one script. */
  async delete(name: string, who: string, now: number): Promise<SavedSearch> {
    const key = savedSearchKey(name);
    for (let attempt = 0; attempt < 5; attempt++) {
      const json = await this.redis.hget(this.keys.searches, key);
      if (!json) throw new CodedError('NOT_FOUND', `no saved search "${name.trim()}" in this environment`);
      const current = parse(SavedSearch, json);
      const audit: AuditEntry = { who, at: now, what: 'search.delete', alertId: '', target: `saved search ${current?.name ?? name.trim()}`, before: current ? brief(current) : json, after: null };
      const result = (await this.redis.eval(DELETE, 3, this.keys.searches, this.keys.runs, this.auditKey, key, json, JSON.stringify(audit))) as string[];
      if (result[0] === 'OK') return current ?? ({ name: name.trim() } as SavedSearch);
      if (result[0] === 'NOT_FOUND') throw new CodedError('NOT_FOUND', `no saved search "${name.trim()}" in this environment`);
    }
    throw new CodedError('CONFLICT', `saved search "${name.trim()}" kept changing; try again`);
  }

  /**
   * Records what a run of the version saved at `updatedAt` found. Not recorded (answered false) when
   * the search was saved again meanwhile (the count is of the old query) or a later run is already
   * recorded; NOT_FOUND when it was deleted.
   */
  async recordRun(name: string, updatedAt: number, run: SavedSearchRun): Promise<{ recorded: boolean; lastRun: SavedSearchRun | null }> {
    const parsed = SavedSearchRun.safeParse(run);
    if (!parsed.success) throw new CodedError('VALIDATION', `invalid run: ${issuesText(parsed.error)}`);
    const key = savedSearchKey(name);
    const result = (await this.redis.eval(RECORD_RUN, 2, this.keys.searches, this.keys.runs, key, String(updatedAt), JSON.stringify(parsed.data), String(parsed.data.at))) as string;
    if (result === 'NOT_FOUND') throw new CodedError('NOT_FOUND', `no saved search "${name.trim()}" in this environment (deleted meanwhile?)`);
    const last = await this.redis.hget(this.keys.runs, key);
    return { recorded: result === 'OK', lastRun: last ? parse(SavedSearchRun, last) : null };
  }
}

function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }, json: string): T | null {
  try {
    const parsed = schema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
