import type { RabbitConnection } from '../../../../shared/model/rabbit-broker';
import { formatBytes } from '../../components/format';

const STATE_ORDER: Record<string, number> = { blocked: 0, blocking: 1, flow: 2, closing: 3, starting: 4, running: 5 };

/** Blocked and blocking connections first (during an alarm they are the ones that matter), then by client name. */
export function blockedFirst(connections: readonly RabbitConnection[]): RabbitConnection[] {
  return [...connections].sort((a, b) => (STATE_ORDER[a.state] ?? 4) - (STATE_ORDER[b.state] ?? 4) || (a.clientName ?? '\uffff').localeCompare(b.clientName ?? '\uffff') || a.name.localeCompare(b.name));
}

/** The class a connection or channel state is shown with: blocked red, flow control amber. */
export function connectionStateTone(state: string): string {
  return state === 'blocked' || state === 'blocking' ? 'bad' : state === 'flow' ? 'warn' : '';
}

/** "1.2 KiB/s", "0 B/s", "—" when the statistics have none yet. */
export function rateText(bytesPerSecond: number | null): string {
  return bytesPerSecond === null ? '—' : `${formatBytes(bytesPerSecond)}/s`;
}
