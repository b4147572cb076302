import { REPLAY_JOB_FIELD, REPLAY_JOB_LIMITS } from '../../../shared/model/replay-jobs';
import { replayEntriesLua } from './redis-dlq';

/**
 * The scripts of a replay job. The batch script is the one-shot replay's copy → remove per id with
 * the job's cursor, counters and lease renewal in the same script, so whatever instant a console
 * dies at, an entry was either moved and counted or neither: never twice, never lost. Ownership is
 * a lease on the job record (owner token + leaseUntil in Redis TIME, so consoles' clocks do not
 * matter); a batch runs only for the current owner of a running job, which is also how a pause or a
 * cancel from another console stops it between two batches.
 */

/** Redis time, ms. */
const NOW_MS = `local t = redis.call('TIME')
local nowMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/**
 * KEYS: dlq, job, ids, failures. ARGV: owner token, batch size, lease ms, measured rate ('' none), now (display ms), job id, now (ISO, for the lineage).
 * Each entry's lineage names the job and the analyst who started it (`createdBy`), whichever console runs it.
 * Returns {'lost'|'stopped', state} or {'ok', state, replayed, skipped, failed}.
 */
export const BATCH_SCRIPT = `
local job = KEYS[2]
local h = redis.call('HMGET', job, 'state', 'owner', 'cursor', 'selection', 'endId', 'target', 'maxReplays', 'force', 'createdBy')
local state, owner, cursor, selection, endId, target, maxReplays, force, createdBy = h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9] or ''
if not state then return {'lost', 'gone'} end
if state ~= 'running' then return {'stopped', state} end
if owner ~= ARGV[1] then return {'lost', state} end
local n = tonumber(ARGV[2])
local ids = {}
local nextCursor = cursor
local finished = false
if selection == 'all' then
  local from = '-'
  if cursor ~= '-' then from = '(' .. cursor end
  local entries = redis.call('XRANGE', KEYS[1], from, endId, 'COUNT', n)
  for i, e in ipairs(entries) do ids[i] = e[1] end
  if #ids > 0 then nextCursor = ids[#ids] end
  finished = #ids < n
else
  local c = tonumber(cursor)
  ids = redis.call('LRANGE', KEYS[3], c, c + n - 1)
  nextCursor = tostring(c + #ids)
  finished = c + #ids >= redis.call('LLEN', KEYS[3])
end
local results = {}
${replayEntriesLua({ ids: 'ids', target: 'target', maxReplays: 'maxReplays', force: 'force', dryRun: "'0'", who: 'createdBy', at: 'ARGV[7]', job: 'ARGV[6]', extraFields: `out[#out + 1] = '${REPLAY_JOB_FIELD}'\n      out[#out + 1] = ARGV[6]` })}
local replayed, skipped, failed = 0, 0, 0
local listed = redis.call('LLEN', KEYS[4])
for i, r in ipairs(results) do
  if r[1] == 1 then replayed = replayed + 1
  elseif r[1] == 0 then skipped = skipped + 1
  else
    failed = failed + 1
    if listed < ${REPLAY_JOB_LIMITS.maxListedFailures} then
      redis.call('RPUSH', KEYS[4], ids[i] .. '\\t' .. r[2])
      listed = listed + 1
    end
  end
end
redis.call('HINCRBY', job, 'done', replayed)
redis.call('HINCRBY', job, 'skipped', skipped)
redis.call('HINCRBY', job, 'failed', failed)
${NOW_MS}
redis.call('HSET', job, 'cursor', nextCursor, 'updatedAt', ARGV[5], 'currentRate', ARGV[4], 'leaseUntil', nowMs + tonumber(ARGV[3]))
if finished then
  state = 'done'
  redis.call('HSET', job, 'state', 'done', 'finishedAt', ARGV[5], 'owner', '', 'currentRate', '')
  redis.call('DEL', KEYS[3])
end
return {'ok', state, replayed, skipped, failed}
`;

/**
 * Takes up a queued or running job whose lease is free or expired (or already ours).
 * KEYS: job. ARGV: token, lease ms, now (display ms). Returns 1 when taken.
 */
export const CLAIM_SCRIPT = `
local h = redis.call('HMGET', KEYS[1], 'state', 'owner', 'leaseUntil', 'startedAt')
local state, owner, leaseUntil, startedAt = h[1], h[2], h[3], h[4]
if state ~= 'queued' and state ~= 'running' then return 0 end
${NOW_MS}
if owner and owner ~= '' and owner ~= ARGV[1] and (tonumber(leaseUntil) or 0) > nowMs then return 0 end
redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'leaseUntil', nowMs + tonumber(ARGV[2]), 'state', 'running', 'updatedAt', ARGV[3])
if not startedAt or startedAt == '' then redis.call('HSET', KEYS[1], 'startedAt', ARGV[3]) end
redis.call('HINCRBY', KEYS[1], 'claims', 1)
return 1
`;

/** KEYS: job. ARGV: token, lease ms. Returns the state, or 'lost' when another console holds the job. */
export const RENEW_SCRIPT = `
local h = redis.call('HMGET', KEYS[1], 'state', 'owner')
if h[1] ~= 'running' then return h[1] or 'gone' end
if h[2] ~= ARGV[1] then return 'lost' end
${NOW_MS}
redis.call('HSET', KEYS[1], 'leaseUntil', nowMs + tonumber(ARGV[2]))
return h[1]
`;

/** KEYS: job. ARGV: token. Lets go of a job (it stays running: the next console takes it up at once). */
export const RELEASE_SCRIPT = `
if redis.call('HGET', KEYS[1], 'owner') == ARGV[1] then redis.call('HSET', KEYS[1], 'owner', '', 'leaseUntil', '0', 'currentRate', '') return 1 end
return 0
`;

/**
 * Pause, resume, cancel, from any console. KEYS: job, ids. ARGV: action, by, now.
 * Returns {'ok', new state} or {'refused', current state}.
 */
export const CONTROL_SCRIPT = `
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return {'refused', 'gone'} end
local action = ARGV[1]
local to = nil
if action == 'pause' and (state == 'queued' or state == 'running') then to = 'paused'
elseif action == 'resume' and state == 'paused' then to = 'queued'
elseif action == 'cancel' and (state == 'queued' or state == 'running' or state == 'paused') then to = 'cancelled'
end
if not to then return {'refused', state} end
redis.call('HSET', KEYS[1], 'state', to, 'owner', '', 'leaseUntil', '0', 'currentRate', '', 'updatedAt', ARGV[3], 'lastAction', cjson.encode({action = action, by = ARGV[2], at = tonumber(ARGV[3])}))
if to == 'cancelled' then
  redis.call('HSET', KEYS[1], 'finishedAt', ARGV[3])
  redis.call('DEL', KEYS[2])
end
return {'ok', to}
`;

/**
 * Counts a batch that moved outside Redis (a RabbitMQ transaction, BullMQ retries), once: applied
 * only while the job's cursor is still the one the batch started from, so a batch counted already
 * (a console that died after counting, another console that took over) is not counted again.
 * KEYS: job, failures, refused, ids. ARGV: expected cursor, new cursor, replayed, skipped, failed,
 * measured rate ('' none), now (display ms), finished ('1'/'0'), n failure lines, the lines, then the
 * identities of refused messages to remember. Returns {'ok', state} or {'stale'|'gone', state}.
 */
export const PROGRESS_SCRIPT = `
local h = redis.call('HMGET', KEYS[1], 'state', 'cursor')
if not h[1] then return {'gone', 'gone'} end
if h[2] ~= ARGV[1] then return {'stale', h[1]} end
redis.call('HINCRBY', KEYS[1], 'done', tonumber(ARGV[3]))
redis.call('HINCRBY', KEYS[1], 'skipped', tonumber(ARGV[4]))
redis.call('HINCRBY', KEYS[1], 'failed', tonumber(ARGV[5]))
redis.call('HSET', KEYS[1], 'cursor', ARGV[2], 'updatedAt', ARGV[7], 'currentRate', ARGV[6])
redis.call('HDEL', KEYS[1], 'pending')
local nf = tonumber(ARGV[9])
local listed = redis.call('LLEN', KEYS[2])
for i = 10, 9 + nf do
  if listed < ${REPLAY_JOB_LIMITS.maxListedFailures} then
    redis.call('RPUSH', KEYS[2], ARGV[i])
    listed = listed + 1
  end
end
for i = 10 + nf, #ARGV do redis.call('SADD', KEYS[3], ARGV[i]) end
local state = h[1]
if ARGV[8] == '1' and (state == 'running' or state == 'paused' or state == 'queued') then
  state = 'done'
  redis.call('HSET', KEYS[1], 'state', 'done', 'finishedAt', ARGV[7], 'owner', '', 'currentRate', '')
  redis.call('DEL', KEYS[4], KEYS[3])
end
return {'ok', state}
`;
