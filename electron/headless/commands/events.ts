import { parseArgs } from 'node:util';
import type { EventPage, HourlyCounts } from '../../../shared/contract/method-groups/events';
import { table } from '../cli-format';
import { flags, print, required, unwrap, UsageError, withEnvironment, type CliCommand } from '../cli-kit';

const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
const EVENTS_FLAGS = flags(['env', 'since', 'until', 'asset', 'severity', 'type', 'limit', 'before'], ['hourly', 'json']);
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `--since 24h` (a duration back from now), an ISO 8601 time or epoch ms; as epoch ms or the string for the host to read. */
export function timeArg(value: string, now: number): number | string {
  const relative = /^(\d+)([mhd])$/.exec(value);
  return relative ? now - Number(relative[1]) * UNIT_MS[relative[2] as keyof typeof UNIT_MS] : value;
}

function formatPage(page: EventPage): string {
  if (!page.events.length) return 'no stored events in that range';
  const rows = page.events.map((e) => [new Date(e.ts).toISOString(), e.severity, e.eventType, e.assetId, e.title]);
  const next = page.next ? `\nmore: --before ${page.next.ts}:${page.next.id}` : '';
  return table(['TIME', 'SEVERITY', 'TYPE', 'ASSET', 'TITLE'], rows) + next;
}

function formatHourly(counts: HourlyCounts): string {
  if (!counts.buckets.length) return 'no stored events in that range';
  return table(['HOUR (UTC)', 'EVENTS'], counts.buckets.map((b) => [new Date(b.hour).toISOString().slice(0, 13) + ':00', String(b.count)])) + `\ntotal ${counts.total}`;
}

/** `events`: the stored event history of an environment's database (issue 17). */
export const eventsCommand: CliCommand = {
  name: 'events',
  usage: `  watchfloor events --env NAME [--since 24h|7d|ISO] [--until ISO] [--asset ID] [--severity critical,high]
                    [--type T] [--limit N] [--before MS:ID] [--hourly] [--json]
                                               stored events (PostgreSQL), newest first; --hourly counts by hour`,
  async run(args) {
    const { values } = parseArgs({ args, options: EVENTS_FLAGS });
    const envName = required(values.env, 'events needs --env NAME');
    const now = Date.now();
    const severity = values.severity?.split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = severity?.filter((s) => !(SEVERITIES as readonly string[]).includes(s));
    if (unknown?.length) throw new UsageError(`--severity takes ${SEVERITIES.join(', ')} (not ${unknown.join(', ')})`);
    const limit = values.limit === undefined ? 50 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError('--limit takes 1 to 1000');
    const cursor = values.before ? /^(\d+):(.+)$/.exec(values.before) : null;
    if (values.before && !cursor) throw new UsageError('--before takes the MS:ID printed after a page ("more: --before …")');
    const filter = {
      since: timeArg(values.since ?? '24h', now),
      until: values.until ? timeArg(values.until, now) : now,
      ...(values.asset ? { asset: values.asset } : {}),
      ...(severity?.length ? { severity: severity as (typeof SEVERITIES)[number][] } : {}),
      ...(values.type ? { type: values.type } : {}),
    };
    return withEnvironment(envName, 'started', async (core, env) => {
      if (values.hourly) {
        const counts = unwrap(await core.call('events.hourly', { envId: env.id, ...filter }));
        print(counts, values.json ?? false, () => formatHourly(counts));
      } else {
        const page = unwrap(await core.call('events.search', { envId: env.id, ...filter, limit, ...(cursor ? { before: { ts: Number(cursor[1]), id: cursor[2]! } } : {}) }));
        print(page, values.json ?? false, () => formatPage(page));
      }
      return 0;
    });
  },
};
