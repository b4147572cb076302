import type { BrokerStatus } from '../../../../shared/model/connection';
import { describeBrokerStatus, formatClock } from '../../components/format';
import { StatusChip } from '../../components/status-chip';

/** A broker's name, its status chip and, when its numbers are old, since when. */
export function BrokerHeader({
  title,
  status,
  staleSince,
  testId,
}: {
  title: string;
  status: BrokerStatus | undefined;
  staleSince: number | null;
  testId: string;
}) {
  const chip = status ? describeBrokerStatus(status) : { tone: 'muted' as const, text: 'Unknown' };
  return (
    <div className="broker-header">
      <h3 className="broker-title">{title}</h3>
      <StatusChip tone={chip.tone} text={chip.text} testId={testId} />
      {staleSince !== null ? (
        <span className="stale" title="These numbers have not been refreshed since then">
          stale since {formatClock(staleSince)}
        </span>
      ) : null}
    </div>
  );
}
