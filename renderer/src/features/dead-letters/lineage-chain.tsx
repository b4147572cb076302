import { lineageChain, parseLineage, type ChainLink, type DeadLettering, type ReplayLineage } from '../../../../shared/model/replay-lineage';
import { formatDateTime } from '../../components/format';

/** A stored ISO time in the console's local "YYYY-MM-DD HH:MM:SS"; anything else as it is. */
const localTime = (iso: string) => {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? formatDateTime(ms) : iso;
};

/**
 * A message's way through the pipeline (issue 20): original → dead-lettered (why) → replayed (who,
 * when, job) → dead-lettered again …, one link per line so a long chain still reads top to bottom.
 * `current` is the dead letter's own dead-lettering (the last link); null for a replayed entry in
 * its origin stream.
 */
export function LineageChain({ lineage, current, replayCount, testId }: { lineage: ReplayLineage | undefined; current: (DeadLettering & { originStream: string | null; originId: string | null }) | null; replayCount: number; testId: string }) {
  const links = lineageChain(lineage, current, localTime);
  const replays = lineage?.steps.length ?? 0;
  // replay_count counts replays from before lineage was recorded too.
  const unrecorded = replayCount - replays - (lineage?.omitted ?? 0);
  return (
    <section className="lineage" data-testid={testId} aria-label="Lineage">
      <h5 className="lineage-title">
        Lineage{' '}
        <span className="muted small">
          {replays === 0 ? 'never replayed' : `replayed ${replays}${lineage?.omitted ? `+${lineage.omitted}` : ''}×`}
        </span>
      </h5>
      <ol className="lineage-chain">
        {links.map((l, i) => (
          <LineageLink key={i} link={l} isFirst={i === 0} />
        ))}
      </ol>
      {unrecorded > 0 ? <p className="muted small">{unrecorded} earlier {unrecorded === 1 ? 'replay' : 'replays'} left no lineage (replayed before it was recorded).</p> : null}
    </section>
  );
}

function LineageLink({ link, isFirst }: { link: ChainLink; isFirst: boolean }) {
  return (
    <li className={`lineage-link lineage-${link.kind}`}>
      <span className="lineage-arrow" aria-hidden={isFirst}>
        {isFirst ? '' : '→ '}
      </span>
      <span className="lineage-label">{link.label}</span> <span className="lineage-detail">{link.detail}</span>
    </li>
  );
}

/** The lineage of a stream entry from its `replay_lineage` field's text (null when it has none, or it is binary or cut). */
export function lineageOfField(field: { preview: string; encoding: 'text' | 'hex'; truncated?: boolean } | undefined): ReplayLineage | null {
  if (!field || field.encoding !== 'text' || field.truncated) return null;
  return parseLineage(field.preview);
}
