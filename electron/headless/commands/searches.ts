import { parseArgs } from 'node:util';
import { SavedSearchKind, describeSavedQuery, findSavedSearch, missingSavedSearchText, type SavedSearchKind as Kind, type SavedSearchQuery, type SavedSearchView } from '../../../shared/model/saved-searches';
import { DEFAULT_ALERT_FILTER, StatusFilter, type AlertFilter } from '../../../shared/model/alert-filter';
import type { DlqMatch } from '../../../shared/model/dlq-search';
import type { AppCore } from '../../core/app-core';
import { table } from '../cli-format';
import { print, unwrap, UsageError, withEnvironment, type CliCommand } from '../cli-kit';
import { parseTime } from './silences';

const iso = (ms: number) => new Date(ms).toISOString().replace('.000', '');

/** "12 (complete) at 2026-… by Ana", "— never run". */
export function lastRunText(search: Pick<SavedSearchView, 'lastRun'>): string {
  const run = search.lastRun;
  if (!run) return 'never run';
  return `${run.count}${run.isComplete ? '' : '+'} at ${iso(run.at)} by ${run.by}${run.source ? ` on ${run.source}` : ''}`;
}

/**
 * The saved search `name` of `kind` in the environment, or an error that lists the saved names
 * (NOT_FOUND), or says it is of the other kind (VALIDATION).
 */
export async function resolveSavedSearch(core: AppCore, env: { id: string; name: string }, name: string, kind: Kind): Promise<SavedSearchView> {
  const listed = unwrap(await core.call('searches.list', { envId: env.id }));
  const found = findSavedSearch(listed.searches, name);
  if (!found) throw Object.assign(new Error(missingSavedSearchText(name, env.name, listed.searches, kind)), { code: 'NOT_FOUND' });
  if (found.query.kind !== kind) {
    const other = found.query.kind === 'dlq' ? `watchfloor dlq search --env "${env.name}" --saved "${found.name}"` : `watchfloor alerts list --env "${env.name}" --saved "${found.name}"`;
    throw Object.assign(new Error(`"${found.name}" is a saved ${found.query.kind === 'dlq' ? 'DLQ' : 'alert'} search: run it with ${other}`), { code: 'VALIDATION' });
  }
  return found;
}

/** Records what a `--saved` run found (anyone may: it is not audited); a failure to record is a warning, not a failed search. */
export async function recordSavedRun(core: AppCore, envId: string, search: SavedSearchView, count: number, isComplete: boolean, source?: string): Promise<void> {
  const answer = await core.call('searches.recordRun', { envId, name: search.name, updatedAt: search.updatedAt, count, isComplete, ...(source ? { source } : {}) });
  if (!answer.ok) process.stderr.write(`watchfloor: the count was not recorded on "${search.name}": ${answer.error.message}\n`);
}

/** "saved search "x": 12 now; last time 9 at … by …" for the end of a `--saved` run's text output. */
export function savedRunLine(search: SavedSearchView, count: number, isComplete: boolean): string {
  return `saved search "${search.name}": ${count}${isComplete ? '' : '+'} now; last time ${lastRunText(search)}`;
}

const OPTIONS = {
  env: { type: 'string' },
  kind: { type: 'string' },
  json: { type: 'boolean' },
  overwrite: { type: 'boolean' },
  description: { type: 'string' },
  // DLQ searches
  source: { type: 'string' },
  match: { type: 'string' },
  text: { type: 'string' },
  error: { type: 'string' },
  origin: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  // Alert filters
  status: { type: 'string' },
  severity: { type: 'string', multiple: true },
  level: { type: 'string' },
  organization: { type: 'string' },
  asset: { type: 'string' },
  snoozed: { type: 'boolean' },
} as const;
type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function timeFlag(values: Values, flag: 'from' | 'to'): number | undefined {
  const raw = values[flag];
  if (raw === undefined) return undefined;
  const at = parseTime(raw, Date.now());
  if (at === null) throw new UsageError(`--${flag} takes "now", an ISO time like 2026-06-01T02:00:00Z or epoch ms (not "${raw}")`);
  return at;
}

function dlqQuery(values: Values): SavedSearchQuery {
  const match: DlqMatch = {};
  if (values.match) {
    const at = values.match.indexOf('=');
    if (at <= 0) throw new UsageError('--match takes a JSON field path and a value: --match event.severity=critical');
    match.field = { path: values.match.slice(0, at), value: values.match.slice(at + 1) };
  }
  if (values.text) match.text = values.text;
  if (values.error) match.error = values.error;
  if (values.origin) match.origin = values.origin;
  const from = timeFlag(values, 'from');
  const to = timeFlag(values, 'to');
  if (from !== undefined) match.from = from;
  if (to !== undefined) match.to = to;
  if (!Object.keys(match).length) throw new UsageError('searches save --kind dlq needs --match PATH=VALUE, --text, --error, --origin, --from or --to');
  for (const flag of ['status', 'severity', 'level', 'organization', 'asset', 'snoozed'] as const) if (values[flag] !== undefined) throw new UsageError(`--${flag} is for --kind alerts`);
  return { kind: 'dlq', ...(values.source ? { source: values.source } : {}), match };
}

function alertQuery(values: Values): SavedSearchQuery {
  for (const flag of ['match', 'error', 'origin', 'from', 'to'] as const) if (values[flag] !== undefined) throw new UsageError(`--${flag} is for --kind dlq`);
  const status = StatusFilter.safeParse(values.status ?? DEFAULT_ALERT_FILTER.status);
  if (!status.success) throw new UsageError(`--status takes ${StatusFilter.options.join(', ')} (not "${values.status}")`);
  const level = values.level === undefined ? null : Number(values.level);
  if (level !== null && level !== 1 && level !== 2 && level !== 3) throw new UsageError(`--level takes 1, 2 or 3 (not "${values.level}")`);
  const filter: AlertFilter = {
    ...DEFAULT_ALERT_FILTER,
    status: status.data,
    severities: (values.severity ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean),
    level,
    organization: values.organization ?? '',
    asset: values.asset ?? '',
    source: values.source ?? '',
    text: values.text ?? '',
    showSnoozed: values.snoozed ?? false,
  };
  return { kind: 'alerts', filter: { ...filter, severities: [...filter.severities] } };
}

function listText(searches: SavedSearchView[]): string {
  if (!searches.length) return 'no saved searches';
  return table(
    ['NAME', 'KIND', 'SEARCH', 'LAST COUNT', 'SAVED BY'],
    searches.map((s) => [s.name, s.query.kind, describeSavedQuery(s.query), lastRunText(s), `${s.updatedBy} ${iso(s.updatedAt)}`]),
  );
}

/** `searches list|save|delete`: the environment's saved DLQ and alert searches, shared through its Redis. */
export const searchesCommand: CliCommand = {
  name: 'searches',
  usage: `  watchfloor searches list --env NAME [--kind dlq|alerts] [--json]
  watchfloor searches save NAME --env NAME --kind dlq [--source DLQ] [--match PATH=VALUE] [--text T]
                     [--error E] [--origin STREAM] [--from TIME] [--to TIME] [--description TEXT] [--overwrite] [--json]
  watchfloor searches save NAME --env NAME --kind alerts [--status unresolved|open|acknowledged|resolved|all]
                     [--severity S[,S]] [--level 1|2|3] [--organization O] [--asset A] [--source S] [--text T]
                     [--snoozed] [--description TEXT] [--overwrite] [--json]
  watchfloor searches delete NAME --env NAME [--json]
                     run one: watchfloor dlq search --saved NAME, watchfloor alerts list --saved NAME`,
  async run(args) {
    const [action, ...rest] = args;
    const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: OPTIONS });
    if (action !== 'list' && action !== 'save' && action !== 'delete') throw new UsageError('searches needs list, save or delete');
    if (!values.env) throw new UsageError('searches needs --env NAME');
    const asJson = values.json ?? false;
    const kind = values.kind === undefined ? undefined : SavedSearchKind.safeParse(values.kind);
    if (kind && !kind.success) throw new UsageError(`--kind takes dlq or alerts (not "${values.kind}")`);
    const name = positionals.join(' ').trim();
    if (action !== 'list' && !name) throw new UsageError(`searches ${action} needs the search's NAME (searches list shows them)`);
    // Checked before connecting, so a typo costs no connection.
    let query: SavedSearchQuery | null = null;
    if (action === 'save') {
      if (!kind) throw new UsageError('searches save needs --kind dlq or --kind alerts');
      query = kind.data === 'dlq' ? dlqQuery(values) : alertQuery(values);
    }
    return withEnvironment(values.env, 'connected', async (core, env) => {
      if (action === 'list') {
        const listed = unwrap(await core.call('searches.list', { envId: env.id, ...(kind ? { kind: kind.data } : {}) }));
        print(listed, asJson, () => listText(listed.searches));
        return 0;
      }
      if (query) {
        const saved = unwrap(await core.call('searches.save', { envId: env.id, name, query, overwrite: values.overwrite ?? false, ...(values.description ? { description: values.description } : {}) }));
        print(saved, asJson, () => `saved search "${saved.name}" (${saved.query.kind}): ${describeSavedQuery(saved.query)} (by ${saved.updatedBy})`);
        return 0;
      }
      const listed = unwrap(await core.call('searches.list', { envId: env.id }));
      const found = findSavedSearch(listed.searches, name);
      if (!found) throw Object.assign(new Error(missingSavedSearchText(name, env.name, listed.searches)), { code: 'NOT_FOUND' });
      const deleted = unwrap(await core.call('searches.delete', { envId: env.id, name: found.name }));
      print(deleted, asJson, () => `deleted saved search "${deleted.name}"`);
      return 0;
    });
  },
};
