import { LINEAGE_KEYS, LINEAGE_LIMITS } from '../../../shared/model/replay-lineage';

/**
 * The lineage append of the replay scripts (issue 20), as Lua functions to put at the top level of
 * a script: `lineageStep(meta, dlq, id, at, by, job, isEdited)` builds the step of one replay from
 * the dead letter's `dlq_*` fields, `lineageAppend(prior, step)` returns the new `replay_lineage`
 * value — the existing one (nil: none) with the step appended, the last
 * {@link LINEAGE_LIMITS.maxSteps} kept and the cut counted, keys in the stored order. The same
 * algorithm as `appendLineage` in shared/model/replay-lineage.ts. It never raises: an existing
 * value it cannot read is kept as a note, an element it cannot encode is replaced by a note, so a
 * replay never fails on someone's lineage field.
 */
export const LINEAGE_LUA = `
local LINEAGE_KEYS = {${LINEAGE_KEYS.map((k) => `'${k}'`).join(', ')}}
local function lineageCap(text, max)
  if #text <= max then return text end
  local cut = max
  -- back off to a character boundary: never split a UTF-8 sequence
  while cut > 0 do
    local b = string.byte(text, cut + 1)
    if b == nil or b < 128 or b >= 192 then break end
    cut = cut - 1
  end
  return string.sub(text, 1, cut) .. '…'
end
local function lineageEncode(e)
  if type(e) ~= 'table' then return cjson.encode(e) end
  local parts, known, rest = {}, {}, {}
  for _, k in ipairs(LINEAGE_KEYS) do
    known[k] = true
    if e[k] ~= nil then parts[#parts + 1] = cjson.encode(k) .. ':' .. cjson.encode(e[k]) end
  end
  for k in pairs(e) do
    if type(k) ~= 'string' then return cjson.encode(e) end
    if not known[k] then rest[#rest + 1] = k end
  end
  table.sort(rest)
  for _, k in ipairs(rest) do parts[#parts + 1] = cjson.encode(k) .. ':' .. cjson.encode(e[k]) end
  return '{' .. table.concat(parts, ',') .. '}'
end
local function lineageStep(meta, dlq, id, at, by, job, isEdited)
  local step = {dlq = dlq, dlq_id = id, replayed_at = at, replayed_by = by}
  for _, k in ipairs({'dlq_origin_stream', 'dlq_origin_id', 'dlq_origin_group', 'dlq_error', 'dlq_attempts', 'dlq_failed_at'}) do
    if meta[k] then step[k] = lineageCap(meta[k], ${LINEAGE_LIMITS.maxTextBytes}) end
  end
  if job and job ~= '' then step.replay_job = job end
  if isEdited then step.edited = true end
  return step
end
local function lineageAppend(prior, step)
  local items, omitted = {}, 0
  if prior then
    local ok, decoded = false, nil
    if #prior <= ${LINEAGE_LIMITS.maxPriorBytes} and string.match(prior, '^%s*%[') then ok, decoded = pcall(cjson.decode, prior) end
    if ok and type(decoded) == 'table' then
      for i, e in ipairs(decoded) do
        if i == 1 and type(e) == 'table' and type(e.omitted) == 'number' and e.dlq == nil then omitted = math.floor(e.omitted)
        else items[#items + 1] = e end
      end
    else
      items[1] = {note = 'earlier lineage unreadable, kept as text', raw = lineageCap(prior, ${4 * LINEAGE_LIMITS.maxTextBytes})}
    end
  end
  items[#items + 1] = step
  while #items > ${LINEAGE_LIMITS.maxSteps} do
    table.remove(items, 1)
    omitted = omitted + 1
  end
  local parts = {}
  if omitted > 0 then parts[1] = '{"omitted":' .. string.format('%d', omitted) .. '}' end
  for _, e in ipairs(items) do
    local ok, text = pcall(lineageEncode, e)
    if not ok then text = '{"note":"a lineage step could not be kept"}' end
    parts[#parts + 1] = text
  end
  return '[' .. table.concat(parts, ',') .. ']'
end
`;
