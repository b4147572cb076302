import type { BrokerStatus, BrokerTestResult, FailureKind } from '../../../shared/model/connection';

const COUNT_FORMAT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 1234567 → "1,234,567". */
export function formatCount(value: number): string {
  return COUNT_FORMAT.format(value);
}

/** Epoch ms → local "HH:MM:SS" (24 h, always two digits, whatever the locale). */
export function formatClock(epochMs: number): string {
  const date = new Date(epochMs);
  return [date.getHours(), date.getMinutes(), date.getSeconds()].map((part) => String(part).padStart(2, '0')).join(':');
}

/** Epoch ms → local "YYYY-MM-DD HH:MM:SS": for records read days later (the audit), where a bare clock time is ambiguous. */
export function formatDateTime(epochMs: number): string {
  const date = new Date(epochMs);
  const day = [date.getFullYear(), date.getMonth() + 1, date.getDate()].map((part, i) => String(part).padStart(i === 0 ? 4 : 2, '0')).join('-');
  return `${day} ${formatClock(epochMs)}`;
}

const FAILURE_LABELS: Record<FailureKind, string> = {
  refused: 'Connection refused',
  auth: 'Authentication failed',
  timeout: 'Timed out',
  tls: 'TLS error',
  dns: 'Host not found',
  protocol: 'Protocol error',
  'not-found': 'Database missing',
  unknown: 'Error',
  'ssh-unreachable': 'Bastion unreachable',
  'ssh-auth': 'SSH authentication refused',
  'ssh-host-key-changed': 'SSH host key changed — possible man-in-the-middle',
  'ssh-host-key-unknown': 'SSH host key not trusted yet',
  'ssh-forwarding-refused': 'SSH forwarding refused',
  'ssh-target-unreachable': 'Unreachable from the bastion',
  'tunnel-down': 'Tunnel down',
};

/** The words an operator would use for a failure kind. */
export function failureKindLabel(kind: FailureKind): string {
  return FAILURE_LABELS[kind];
}

export type Tone = 'ok' | 'warn' | 'bad' | 'muted';

/** The chip for a broker's live status: its colour and its text. */
export function describeBrokerStatus(status: BrokerStatus): { tone: Tone; text: string } {
  switch (status.state) {
    case 'connected':
      return { tone: 'ok', text: 'Connected' };
    case 'connecting':
      return { tone: 'warn', text: 'Connecting…' };
    case 'not-configured':
      return { tone: 'muted', text: 'Not configured' };
    case 'disconnected':
      return {
        tone: 'bad',
        text: status.failure ? `Disconnected — ${failureKindLabel(status.failure.kind)}: ${status.failure.message}` : 'Disconnected',
      };
  }
}

/** One line of a "Test connection" result for one broker. */
export function describeTestResult(result: BrokerTestResult): { tone: Tone; text: string } {
  if (!result.configured) return { tone: 'muted', text: 'Not configured' };
  if (result.ok) {
    const details = [result.latencyMs === undefined ? null : `${Math.round(result.latencyMs)} ms`, result.serverVersion ? `version ${result.serverVersion}` : null].filter(
      (part): part is string => part !== null,
    );
    const ok = details.length > 0 ? `OK — ${details.join(' · ')}` : 'OK';
    return result.warning ? { tone: 'warn', text: `${ok} — warning: ${result.warning}` } : { tone: 'ok', text: ok };
  }
  return { tone: 'bad', text: result.failure ? `${failureKindLabel(result.failure.kind)}: ${result.failure.message}` : 'Failed' };
}

/** Where the RabbitMQ numbers came from. */
export function describeQueueSource(source: 'management' | 'passive' | null): string | null {
  if (source === 'management') return 'via management API (RabbitMQ refreshes these statistics every ~5 s)';
  if (source === 'passive') return 'passive declare (depth and consumers only)';
  return null;
}

/** "lag 12 · pending 3 · consumers 2" for one consumer group. */
export function describeGroup(group: { lag: number | null; lagEstimated?: boolean; pending: number; consumers: number }): string {
  const lag = group.lag === null ? 'n/a' : `${group.lagEstimated ? '≈' : ''}${formatCount(group.lag)}`;
  return `lag ${lag} · pending ${formatCount(group.pending)} · consumers ${formatCount(group.consumers)}`;
}

/** Black or white, whichever reads better on `hex` (#rrggbb), by WCAG relative luminance. */
export function readableTextColour(hex: string): '#000000' | '#ffffff' {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!match) return '#ffffff';
  const [r, g, b] = [match[1], match[2], match[3]].map((part) => {
    const channel = parseInt(part ?? '0', 16) / 255;
    return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  // Contrast with white is 1.05/(L+0.05), with black (L+0.05)/0.05; they are equal at L ≈ 0.179.
  return luminance > 0.179 ? '#000000' : '#ffffff';
}

/** SVG polyline points for a sparkline of `values` in a `width`×`height` box (flat line when constant). */
export function sparklinePoints(values: readonly number[], width: number, height: number): string {
  if (values.length === 0) return '';
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min;
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const pad = 1;
  return values
    .map((value, index) => {
      const x = values.length > 1 ? index * step : width;
      const y = span === 0 ? height / 2 : pad + (1 - (value - min) / span) * (height - 2 * pad);
      return `${round(x)},${round(y)}`;
    })
    .join(' ');
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/**
 * An identifier shortened without changing what it says: short ones whole ("system-46"), long ones
 * with their start and end kept around an ellipsis ("8354f70f…6b4a8"), never cut at the end,
 * where "system-46" would become another asset's "system-4".
 */
export function shortId(id: string, max = 16): string {
  if (id.length <= max) return id;
  const tail = Math.max(4, Math.floor((max - 1) / 3));
  return `${id.slice(0, max - 1 - tail)}…${id.slice(-tail)}`;
}

export { formatBytes } from '../../../shared/model/bytes';

/** "12 ms", "3.4 s", "5 min", "2 h 10 min" — an age an analyst reads at a glance. */
export function formatAge(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  return minutes === 0 ? `${hours} h` : `${hours} h ${minutes} min`;
}

/** "1.2/s", "0/s", or "—" when unknown. */
export function formatRate(value: number | null): string {
  if (value === null) return '—';
  if (value === 0) return '0/s';
  return `${value >= 100 ? Math.round(value) : value.toFixed(1)}/s`;
}
