import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { sortAlerts } from '../../../shared/model/alerts';
import { describeGroupKey, GROUP_FIELDS, groupAlerts, type GroupField } from '../../../shared/model/alert-groups';
import { alertDetailText, alertTable, table } from '../cli-format';
import { flags, print, unwrap, UsageError, withEnvironment, type CliCommand } from '../cli-kit';
import { alertMatcher } from '../../../shared/model/alert-filter';
import { recordSavedRun, resolveSavedSearch, savedRunLine } from './searches';

const ACTIONS: Record<string, 'ack' | 'escalate' | 'resolve' | 'reopen' | 'note'> = { ack: 'ack', escalate: 'escalate', resolve: 'resolve', reopen: 'reopen', note: 'note' };

/** `--group rule,asset,title`: the fields an incident is keyed by (empty: the default three). */
function groupFields(flag: string): GroupField[] {
  const fields = flag.split(',').map((f) => f.trim()).filter(Boolean);
  const unknown = fields.filter((f) => !(GROUP_FIELDS as readonly string[]).includes(f));
  if (unknown.length) throw new UsageError(`--group takes ${GROUP_FIELDS.join(', ')} (not ${unknown.join(', ')})`);
  return fields.length ? (fields as GroupField[]) : ['rule', 'asset', 'title'];
}

/** `alerts list|show|ack|escalate|resolve|reopen|note|policy`: triage from scripts and runbooks. */
export const alertsCommand: CliCommand = {
  name: 'alerts',
  usage: `  watchfloor alerts list --env NAME [--status open|acknowledged|resolved] [--severity S]
                     [--limit N] [--group rule,asset,title|source|organization] [--json]
                     [--saved NAME]   a saved alert search (searches list), instead of --status/--severity
                     --group: one line an incident (count, open/acknowledged, first/last seen)
  watchfloor alerts show ID --env NAME [--json]
  watchfloor alerts ack|escalate|reopen ID --env NAME [--reason TEXT] [--json]
  watchfloor alerts resolve ID --env NAME [--false-positive|--duplicate] [--reason TEXT] [--json]
  watchfloor alerts note ID --env NAME --text TEXT [--json]
  watchfloor alerts policy --env NAME [--set POLICY.json] [--json]   escalation policy, per severity`,
  async run(args) {
    const [action, ...rest] = args;
    const options = flags(['env', 'status', 'severity', 'limit', 'reason', 'text', 'set', 'group', 'saved'], ['json', 'false-positive', 'duplicate']);
    const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options });
    if (!values.env) throw new UsageError('alerts needs --env NAME');
    const asJson = values.json ?? false;
    if (values.saved !== undefined && action !== 'list') throw new UsageError('--saved goes with alerts list');
    if (values.saved !== undefined && (values.status || values.severity)) throw new UsageError('give --saved NAME or --status/--severity, not both (the saved search has its own)');
    return withEnvironment(values.env, 'connected', async (core, env) => {
      if (action === 'list') {
        const saved = values.saved === undefined ? undefined : await resolveSavedSearch(core, env, values.saved, 'alerts');
        const listed = unwrap(await core.call('alerts.list', { envId: env.id, limit: values.limit ? Number(values.limit) : 20_000 }));
        // Never a quietly short list: what could not be read is said (the --json answer carries it too).
        if (listed.unread) process.stderr.write(`warning: ${listed.unread.count} of ${listed.listed} listed alerts could not be read (${listed.unread.reason}); the list is partial\n`);
        if (listed.offset + listed.listed < listed.total) process.stderr.write(`note: ${listed.listed} newest of ${listed.total} alerts listed (--limit)\n`);
        const matches = saved?.query.kind === 'alerts' ? alertMatcher(saved.query.filter, Date.now()) : (a: (typeof listed.alerts)[number]) => (!values.status || a.status === values.status) && (!values.severity || a.severity === values.severity);
        const alerts = sortAlerts(listed.alerts.filter(matches));
        // The count is exact when every alert of the environment was read (not cut at --limit, none unreadable).
        const isComplete = !listed.partial && listed.offset + listed.listed >= listed.total;
        if (saved) await recordSavedRun(core, env.id, saved, alerts.length, isComplete);
        if (values.group !== undefined) {
          const fields = groupFields(values.group);
          const groups = groupAlerts(alerts, fields).map((g) => ({ key: g.values, title: g.alerts[0]!.title, severity: g.severity, count: g.alerts.length, open: g.open, acknowledged: g.acknowledged, resolved: g.resolved, firstSeen: new Date(g.firstSeen).toISOString(), lastSeen: new Date(g.lastSeen).toISOString(), ids: g.alerts.map((a) => a.id) }));
          print({ envId: env.id, total: listed.total, groupBy: fields, groups }, asJson, () =>
            table(['COUNT', 'OPEN', 'ACKED', 'SEVERITY', 'FIRST SEEN', 'LAST SEEN', 'INCIDENT'], groups.map((g) => [String(g.count), String(g.open), String(g.acknowledged), g.severity, g.firstSeen, g.lastSeen, `${g.title} (${describeGroupKey(g.key, fields)})`])),
          );
          return 0;
        }
        print({ envId: env.id, total: listed.total, partial: listed.partial, unread: listed.unread, alerts, ...(saved ? { saved: { name: saved.name, previousRun: saved.lastRun } } : {}) }, asJson, () =>
          [alertTable(alerts, Date.now()), ...(saved ? [savedRunLine(saved, alerts.length, isComplete)] : [])].join('\n'),
        );
        return 0;
      }
      if (action === 'policy') {
        const policy = values.set
          ? unwrap(await core.call('alerts.setPolicy', { envId: env.id, policy: JSON.parse(readFileSync(values.set, 'utf8')) as never }))
          : unwrap(await core.call('alerts.policy', { envId: env.id }));
        print(policy, asJson, () => JSON.stringify(policy, null, 2));
        return 0;
      }
      const id = positionals[0];
      if (!id) throw new UsageError(`alerts ${action ?? ''} needs an alert ID`);
      if (action === 'show') {
        const detail = unwrap(await core.call('alerts.get', { envId: env.id, id }));
        print(detail, asJson, () => alertDetailText(detail.alert, detail.next));
        return 0;
      }
      const chosen = action && Object.hasOwn(ACTIONS, action) ? ACTIONS[action] : undefined;
      if (!chosen) throw new UsageError('alerts needs list, show, ack, escalate, resolve, reopen or note');
      if (chosen === 'note' && !values.text) throw new UsageError('alerts note needs --text TEXT');
      // Acts on the version read just now: if another console changes it in between, the
      // compare-and-set refuses with "changed by …" and nothing is applied.
      const current = unwrap(await core.call('alerts.get', { envId: env.id, id }));
      const resolution = values['false-positive'] ? 'false_positive' : values.duplicate ? 'duplicate' : undefined;
      const reason = chosen === 'note' ? values.text : values.reason;
      const after = unwrap(
        await core.call('alerts.act', { envId: env.id, id, expectedVersion: current.alert.version, action: chosen, ...(reason ? { reason } : {}), ...(chosen === 'resolve' && resolution ? { resolution } : {}) }),
      );
      print(after, asJson, () => `${after.id}: ${after.status}, level ${after.level} (version ${after.version}, by ${after.updatedBy})`);
      return 0;
    });
  },
};
