import { MASK_MARK } from '../../shared/model/masking';
import { slaDeadlineOf, type AlertState, type AlertSummary } from '../../shared/model/alerts';
import type { BrokerStatus, ConnectionTestResult } from '../../shared/model/connection';
import type { EnvironmentView } from '../../shared/model/environment';
import type { EnvironmentOverview, QueueInfo } from '../../shared/model/overview';
import type { BullOverview, BullQueueInfo } from '../../shared/model/bullmq';
import type { StreamEntriesPage } from '../../shared/model/stream-entries';

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
    const perSecond = (v: number | null) => (v === null ? '-' : v.toFixed(1));
    const age = (ms: number | null) => (ms === null ? '-' : ms < 60_000 ? `${Math.round(ms / 1000)}s` : `${Math.round(ms / 60_000)}m`);
    out.push('', table(
      ['STREAM', 'LENGTH', 'ADDED/S', 'GROUP', 'LAG', 'PENDING', 'OLDEST', 'READ/S', 'CONSUMERS'],
      // Pipeline streams first; BullMQ's internal streams after them, named with their queue.
      [...overview.redis.streams.filter((s) => s.bullQueue === null), ...overview.redis.streams.filter((s) => s.bullQueue !== null)].flatMap((s) => {
        const head = [s.bullQueue === null ? s.name : `${s.name} (BullMQ ${s.bullQueue} internal)`, String(s.length), perSecond(s.addRate)];
        if (s.groups.length === 0) return [[...head, '-', '-', '-', '-', '-', '-']];
        return s.groups.map((g, i) => [
          ...(i === 0 ? head : ['', '', '']),
          g.name, g.lag === null ? 'n/a' : `${g.lagEstimated ? '≈' : ''}${g.lag}`, String(g.pending), age(g.oldestPendingMs), perSecond(g.readRate), String(g.consumers),
        ]);
      }),
    ));
  }
  if (overview.amqp.queues) {
    out.push('', queueTable(overview.amqp.queues));
    if (overview.amqp.note) out.push(`(${overview.amqp.note})`);
  }
  return out.join('\n');
}

const rate = (v: number | null) => (v === null ? '-' : v.toFixed(1));

/** RabbitMQ queues as a text table; "-" where a number is unknown (passive declares). */
export function queueTable(queues: readonly QueueInfo[]): string {
  return table(
    ['QUEUE', 'READY', 'UNACKED', 'CONSUMERS', 'PUBLISH/S', 'DELIVER/S', 'ACK/S'],
    queues.map((q) => [
      q.isDeadLetter ? `${q.name} (DLQ)` : q.name,
      String(q.ready),
      q.unacked === null ? '-' : String(q.unacked),
      String(q.consumers),
      rate(q.publishRate),
      rate(q.deliverRate),
      rate(q.ackRate),
    ]),
  );
}

/** What `watchfloor queues --json` prints: one section per queue system of the environment. */
export interface QueuesReport {
  env: string;
  envId: string;
  at: number;
  /** null when the environment has no RabbitMQ. */
  rabbitmq: {
    status: EnvironmentOverview['amqp']['status'];
    /** `management` (rates included, ~5 s granularity) or `passive` (known queues only, no rates). */
    source: EnvironmentOverview['amqp']['source'];
    note: string | null;
    staleSince: number | null;
    queues: QueueInfo[] | null;
  } | null;
  /** BullMQ queues of the environment's Redis (seed 003); null when the environment has no Redis. */
  bullmq: {
    status: BullOverview['status'];
    /** Key prefix the queues live under (`{namespace}bull`). */
    prefix: string;
    staleSince: number | null;
    truncated: boolean;
    queues: BullQueueInfo[] | null;
  } | null;
}

export function bullQueueTable(queues: readonly BullQueueInfo[]): string {
  return table(
    ['QUEUE', 'WAITING', 'PRIORITIZED', 'DELAYED', 'ACTIVE', 'FAILED', 'COMPLETED', 'STATE'],
    queues.map((q) => [
      q.isDeadLetter ? `${q.name} (DLQ)` : q.name,
      String(q.waiting),
      String(q.prioritized),
      String(q.delayed),
      String(q.active),
      String(q.failed),
      String(q.completed),
      q.isPaused ? 'paused' : 'running',
    ]),
  );
}

export function queuesReport(name: string, overview: EnvironmentOverview, bull: BullOverview | null = null): QueuesReport {
  const { amqp } = overview;
  return {
    env: name,
    envId: overview.envId,
    at: overview.at,
    rabbitmq:
      amqp.status.state === 'not-configured'
        ? null
        : { status: amqp.status, source: amqp.source, note: amqp.note, staleSince: amqp.staleSince, queues: amqp.queues },
    bullmq: bull === null ? null : { status: bull.status, prefix: bull.prefix, staleSince: bull.staleSince, truncated: bull.truncated, queues: bull.queues },
  };
}

export function formatQueues(report: QueuesReport): string {
  const out: string[] = [];
  const rabbit = report.rabbitmq;
  if (!rabbit) {
    out.push(`${report.env}  rabbitmq: not configured`);
  } else {
    const source = rabbit.source === 'management' ? 'management API (rates lag ~5 s)' : rabbit.source === 'passive' ? 'passive declare: known queues only, no rates' : '-';
    out.push(`${report.env}  rabbitmq: ${statusText(rabbit.status)}  source: ${source}`);
    if (rabbit.queues) out.push('', rabbit.queues.length ? queueTable(rabbit.queues) : '(no queues)');
    if (rabbit.note) out.push(`(${rabbit.note})`);
  }
  const bull = report.bullmq;
  out.push('');
  if (!bull) {
    out.push(`${report.env}  bullmq: no Redis configured`);
  } else {
    out.push(`${report.env}  bullmq: ${statusText(bull.status)}  prefix: ${bull.prefix}`);
    if (bull.queues) out.push('', bull.queues.length ? bullQueueTable(bull.queues) : `(no BullMQ queues under ${bull.prefix}:)`);
    if (bull.truncated) out.push('(discovery stopped at its limit: not every queue is listed)');
  }
  return out.join('\n');
}

export function formatTest(result: ConnectionTestResult): string {
  return (['ssh', 'redis', 'amqp', 'management', 'postgres'] as const)
    .map((key) => {
      const r = result[key];
      if (key === 'ssh' && !r?.configured) return null;
      if (!r?.configured) return `${key}: not configured`;
      if (r.ok) return `${key}: ok (${r.latencyMs} ms${r.serverVersion ? `, ${r.serverVersion}` : ''})${r.warning ? ` — WARNING: ${r.warning}` : ''}`;
      return `${key}: FAILED ${r.failure?.kind}: ${r.failure?.message}`;
    })
    .filter((line) => line !== null)
    .join('\n');
}

/** "12 min left" / "3 min OVERDUE" for an SLA deadline. */
export function slaText(deadline: number, now: number): string {
  const minutes = Math.round(Math.abs(deadline - now) / 60_000);
  const span = minutes >= 120 ? `${Math.round(minutes / 60)} h` : `${minutes} min`;
  return deadline >= now ? `${span} left` : `${span} OVERDUE`;
}

export function alertTable(alerts: readonly AlertSummary[], now: number): string {
  if (!alerts.length) return 'no alerts';
  return table(
    ['ID', 'SEVERITY', 'STATUS', 'LVL', 'SLA', 'AGE', 'TITLE', 'BY'],
    alerts.map((a) => [
      a.id,
      a.severity,
      a.status,
      String(a.level),
      a.status === 'resolved' ? '-' : slaText(slaDeadlineOf(a), now),
      `${Math.max(0, Math.round((now - a.createdAt) / 60_000))} min`,
      a.title.length > 48 ? `${a.title.slice(0, 47)}…` : a.title,
      a.updatedBy,
    ]),
  );
}

export function alertDetailText(a: AlertState, next: { level: number; dueAt: number; step: { recipients: string[]; methods: string[] } } | null): string {
  const lines = [
    `${a.id}  ${a.severity.toUpperCase()}  ${a.status}  level ${a.level}  version ${a.version}`,
    a.title,
    a.message,
    '',
    `created   ${new Date(a.createdAt).toISOString()}`,
    a.slaDeadline ? `SLA       ${new Date(a.slaDeadline).toISOString()}` : '',
    a.assignee ? `assignee  ${a.assignee}` : '',
    a.correlationId ? `correlation ${a.correlationId}` : '',
    next ? `next      level ${next.level} at ${new Date(next.dueAt).toISOString()} → ${next.step.recipients.join(', ')} via ${next.step.methods.join(', ')}` : 'next      no further escalation',
    '',
    'timeline:',
    ...a.timeline.map((t) => `  ${new Date(t.at).toISOString()}  ${t.what.padEnd(12)} ${t.who}${t.detail ? ` — ${t.detail}` : ''}`),
    ...(a.notes.length ? ['', 'notes:', ...a.notes.map((n) => `  ${new Date(n.at).toISOString()}  ${n.who}: ${n.text}`)] : []),
  ];
  return lines.filter((l, i) => l !== '' || lines[i - 1] !== '').join('\n');
}

/** A page of stream entries: a header line, then each entry's id and time and its fields indented. */
export function formatEntries(page: StreamEntriesPage): string {
  const lines = [`${page.stream}: ${page.length} entries, ${page.order} first, ${page.entries.length} shown`];
  for (const e of page.entries) {
    lines.push('', `${e.id}  ${new Date(e.at).toISOString()}  ${e.fieldCount} field${e.fieldCount === 1 ? '' : 's'}, ${e.size} B`);
    for (const f of e.fields) {
      // A binary field under masking carries the mask, not hex: say so instead of "hex" and a byte count of the mask.
      const isWithheld = f.encoding === 'hex' && f.preview.startsWith(MASK_MARK);
      const note = isWithheld
        ? [`binary, ${f.size} B: its hex is withheld while this environment masks fields`]
        : [f.encoding === 'hex' ? 'hex' : null, f.truncated ? `first ${f.encoding === 'hex' ? f.preview.length / 2 : Buffer.byteLength(f.preview)} of ${f.size} B` : null, f.decrypted ? 'decrypted' : null, f.decryptError ?? null].filter(Boolean);
      lines.push(`  ${f.name} = ${f.preview.replace(/\n/g, '\\n')}${note.length ? `  (${note.join('; ')})` : ''}`);
    }
    if (e.fieldCount > e.fields.length) lines.push(`  … ${e.fieldCount - e.fields.length} more fields (not shown)`);
  }
  if (page.nextAfter) lines.push('', `more: --after ${page.nextAfter}${page.order === 'oldest' ? ' --oldest' : ''}`);
  return lines.join('\n');
}
