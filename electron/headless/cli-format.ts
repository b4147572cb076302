import type { BrokerStatus, ConnectionTestResult } from '../../shared/model/connection';
import type { EnvironmentView } from '../../shared/model/environment';
import type { EnvironmentOverview } from '../../shared/model/overview';

const pad = (text: string, width: number) => (text.length >= width ? text : text + ' '.repeat(width - text.length));

/** Renders rows as a left-aligned text table. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => pad(c, widths[i]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function statusText(status: BrokerStatus): string {
  if (status.state === 'disconnected' && status.failure) return `disconnected (${status.failure.kind}: ${status.failure.message})`;
  return status.state;
}

export function formatEnvironments(list: EnvironmentView[]): string {
  return table(
    ['NAME', 'ID', 'PROD', 'REDIS', 'AMQP', 'MANAGEMENT'],
    list.map((e) => [e.name, e.id, e.production ? 'yes' : 'no', e.redis?.url ?? '-', e.amqp?.url ?? '-', e.managementUrl ?? '-']),
  );
}

export function formatOverview(name: string, overview: EnvironmentOverview): string {
  const out: string[] = [`${name}  redis: ${statusText(overview.redis.status)}  rabbitmq: ${statusText(overview.amqp.status)}`];
  if (overview.redis.streams) {
    out.push('', table(
      ['STREAM', 'LENGTH', 'GROUP', 'LAG', 'PENDING', 'CONSUMERS'],
      overview.redis.streams.flatMap((s) =>
        s.groups.length === 0
          ? [[s.name, String(s.length), '-', '-', '-', '-']]
          : s.groups.map((g, i) => [i === 0 ? s.name : '', i === 0 ? String(s.length) : '', g.name, g.lag === null ? 'n/a' : String(g.lag), String(g.pending), String(g.consumers)]),
      ),
    ));
  }
  if (overview.amqp.queues) {
    out.push('', table(
      ['QUEUE', 'READY', 'UNACKED', 'CONSUMERS'],
      overview.amqp.queues.map((q) => [q.name, String(q.ready), q.unacked === null ? '-' : String(q.unacked), String(q.consumers)]),
    ));
    if (overview.amqp.note) out.push(`(${overview.amqp.note})`);
  }
  return out.join('\n');
}

export function formatTest(result: ConnectionTestResult): string {
  return (['redis', 'amqp', 'management'] as const)
    .map((key) => {
      const r = result[key];
      if (!r.configured) return `${key}: not configured`;
      if (r.ok) return `${key}: ok (${r.latencyMs} ms${r.serverVersion ? `, ${r.serverVersion}` : ''})`;
      return `${key}: FAILED ${r.failure?.kind}: ${r.failure?.message}`;
    })
    .join('\n');
}
