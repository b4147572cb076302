import { parseArgs } from 'node:util';
import type { SilenceView } from '../../../shared/contract/method-groups/silences';
import { describeMatcher, parseDuration, parseMatcher, parseWeeklyWindow, type SilenceMatcher, type SilenceSchedule } from '../../../shared/model/silences';
import { table } from '../cli-format';
import { print, unwrap, UsageError, withEnvironment, type CliCommand } from '../cli-kit';

export { parseDuration };

/** `now`, an ISO 8601 time (`2026-06-01T02:00:00Z`, `2026-06-01 02:00+02:00`) or epoch ms -> epoch ms. */
export function parseTime(text: string, now: number): number | null {
  if (text === 'now') return now;
  if (/^\d{12,}$/.test(text)) return Number(text);
  const at = Date.parse(text.replace(' ', 'T'));
  return Number.isFinite(at) ? at : null;
}

/** The schedule the flags describe: `--every` (weekly, bounded by --starts/--ends if given) or once from --starts to --ends / --duration. */
export function scheduleFromFlags(values: { starts?: string; ends?: string; duration?: string; every?: string; tz?: string }, now: number): SilenceSchedule {
  const time = (flag: 'starts' | 'ends') => {
    const raw = values[flag];
    if (raw === undefined) return undefined;
    const at = parseTime(raw, now);
    if (at === null) throw new UsageError(`--${flag} takes "now", an ISO time like 2026-06-01T02:00:00Z or epoch ms (not "${raw}")`);
    return at;
  };
  const startsAt = time('starts');
  let endsAt = time('ends');
  if (values.duration !== undefined) {
    if (endsAt !== undefined) throw new UsageError('give --ends or --duration, not both');
    const ms = parseDuration(values.duration);
    if (ms === null) throw new UsageError(`--duration takes a length like 2h, 90m or 1h30m (not "${values.duration}")`);
    endsAt = (startsAt ?? now) + ms;
  }
  if (values.every !== undefined) {
    const weekly = parseWeeklyWindow(values.every);
    if (!weekly) throw new UsageError(`--every takes days and times like 'sun 02:00-04:00' or 'sat,sun 23:00-01:00' (not "${values.every}")`);
    if (values.duration !== undefined) throw new UsageError('--duration is for a one-off silence; --every gives the window');
    const timeZone = values.tz ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
    return { kind: 'weekly', ...weekly, timeZone, ...(startsAt !== undefined ? { startsAt } : {}), ...(endsAt !== undefined ? { endsAt } : {}) };
  }
  if (values.tz !== undefined) throw new UsageError('--tz goes with --every');
  if (endsAt === undefined) throw new UsageError('silences add needs --ends TIME, --duration 2h or --every WINDOW');
  return { kind: 'once', startsAt: startsAt ?? now, endsAt };
}

function matchersFrom(values: string[] | undefined): SilenceMatcher[] {
  if (!values?.length) throw new UsageError('silences add needs at least one --match key=value (severity, source, asset, organisation, type)');
  return values.map((text) => {
    const matcher = parseMatcher(text);
    if (!matcher) throw new UsageError(`--match takes key=value, key=a|b (any of) or key~regex with key severity, source, asset, organisation or type (not "${text}")`);
    return matcher;
  });
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000', '');

function scheduleText(s: SilenceSchedule): string {
  return s.kind === 'once' ? `${iso(s.startsAt)} → ${iso(s.endsAt)}` : `${s.days.join(',')} ${s.start}-${s.end} ${s.timeZone}`;
}

function listText(silences: SilenceView[]): string {
  if (!silences.length) return 'no silences';
  return table(
    ['ID', 'STATUS', 'MATCHERS', 'WHEN', 'WINDOW', 'MATCHED', 'BY', 'REASON'],
    silences.map((s) => [
      s.id,
      s.status,
      s.matchers.map(describeMatcher).join(' '),
      scheduleText(s.schedule),
      s.window ? `${iso(s.window.start)} → ${iso(s.window.end)}` : '-',
      // A silence whose window has come and gone without covering anything is probably mistyped.
      s.matched === 0 && s.status !== 'scheduled' ? '0 (matched nothing)' : String(s.matched),
      s.createdBy,
      s.reason,
    ]),
  );
}

/** `silences list|add|expire`: maintenance windows from scripts and runbooks. */
export const silencesCommand: CliCommand = {
  name: 'silences',
  usage: `  watchfloor silences list --env NAME [--json]
  watchfloor silences add --env NAME --match key=value [--match …] --reason TEXT
                     [--starts TIME] (--ends TIME | --duration 2h | --every 'sun 02:00-04:00' [--tz Europe/Berlin]) [--json]
                     keys: severity, source, asset, organisation, type; key=a|b any of, key~regex
  watchfloor silences expire ID --env NAME [--reason TEXT] [--json]`,
  async run(args) {
    const [action, ...rest] = args;
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        env: { type: 'string' },
        match: { type: 'string', multiple: true },
        starts: { type: 'string' },
        ends: { type: 'string' },
        duration: { type: 'string' },
        every: { type: 'string' },
        tz: { type: 'string' },
        reason: { type: 'string' },
        json: { type: 'boolean' },
      },
    });
    if (action !== 'list' && action !== 'add' && action !== 'expire') throw new UsageError('silences needs list, add or expire');
    if (!values.env) throw new UsageError('silences needs --env NAME');
    const asJson = values.json ?? false;
    // Checked before connecting, so a typo costs no connection.
    const addInput = action === 'add' ? { matchers: matchersFrom(values.match), schedule: scheduleFromFlags(values, Date.now()), reason: values.reason?.trim() ?? '' } : null;
    if (addInput && !addInput.reason) throw new UsageError('silences add needs --reason TEXT (why, for the team audit)');
    const id = positionals[0];
    if (action === 'expire' && !id) throw new UsageError('silences expire needs a silence ID (silences list shows them)');
    return withEnvironment(values.env, 'connected', async (core, env) => {
      if (action === 'list') {
        const listed = unwrap(await core.call('silences.list', { envId: env.id }));
        print(listed, asJson, () => listText(listed.silences));
        return 0;
      }
      if (addInput) {
        const silence = unwrap(await core.call('silences.add', { envId: env.id, ...addInput }));
        print(silence, asJson, () => `silence ${silence.id}: ${silence.matchers.map(describeMatcher).join(' ')}, ${scheduleText(silence.schedule)} (by ${silence.createdBy})`);
        return 0;
      }
      const expired = unwrap(await core.call('silences.expire', { envId: env.id, id: id!, ...(values.reason ? { reason: values.reason } : {}) }));
      print(expired, asJson, () => `silence ${expired.id} expired at ${iso(expired.expiredAt ?? Date.now())} by ${expired.expiredBy ?? '?'}; it never applies again`);
      return 0;
    });
  },
};
