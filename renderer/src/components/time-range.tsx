import { useMemo, useState, type ReactNode } from 'react';
import type { ParamsOf, ResultOf } from '../../../shared/contract';
import type { EnvironmentView } from '../../../shared/model/environment';
import { formatClock } from './format';
import { latestOf, usePolledCall, type PolledState } from './use-polled-call';

/** A chart range past the live hour, from the environment's database. */
export type StoredRange = '24h' | '7d';

interface TimeWindow {
  seconds: number;
  label: string;
  /** null: this console's live memory (at most the last hour); otherwise the database's range. */
  stored: StoredRange | null;
}

/** The live windows (this console's memory) and, with a database, the stored ones. */
const TIME_WINDOWS: readonly TimeWindow[] = [
  { seconds: 900, label: '15 min', stored: null },
  { seconds: 3600, label: '1 h', stored: null },
  { seconds: 86_400, label: '24 h', stored: '24h' },
  { seconds: 604_800, label: '7 d', stored: '7d' },
];
const LIVE_DEFAULT = 900;

/** "Mon 14:05": a point in a stored range (days apart), where a bare clock time is ambiguous. */
export function formatDayClock(epochMs: number): string {
  const date = new Date(epochMs);
  return `${date.toLocaleDateString('en-GB', { weekday: 'short' })} ${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
}

export interface TimeWindowState {
  /** The windows offered: the live ones always, 24 h and 7 d when the environment has a database. */
  windows: readonly TimeWindow[];
  windowSeconds: number;
  setWindowSeconds: (seconds: number) => void;
  /** The stored range chosen, or null for a live window. */
  stored: StoredRange | null;
  /** The live window to poll: the one chosen, or 15 min under a stored range (the live poll also tells a deletion). */
  liveWindow: number;
  /** How the time axis reads: clock times live, day and time over days. */
  formatAt: (epochMs: number) => string;
}

/** The time window of a chart detail; a stored range no longer offered (the database removed) falls back to 15 min. */
export function useTimeWindow(env: EnvironmentView): TimeWindowState {
  const [chosen, setWindowSeconds] = useState(LIVE_DEFAULT);
  const windows = TIME_WINDOWS.filter((w) => w.stored === null || env.postgres);
  const current = windows.find((w) => w.seconds === chosen) ?? windows[0]!;
  const stored = current.stored;
  return { windows, windowSeconds: current.seconds, setWindowSeconds, stored, liveWindow: stored ? LIVE_DEFAULT : current.seconds, formatAt: stored ? formatDayClock : formatClock };
}

/** The row of window buttons (15 min · 1 h · 24 h · 7 d); buttons are `${testIdPrefix}window-${seconds}`. */
export function TimeWindowSelector({ state, className, testIdPrefix = '' }: { state: TimeWindowState; className: string; testIdPrefix?: string }) {
  return (
    <div className={className} role="group" aria-label="Time window">
      {state.windows.map((w) => (
        <button
          key={w.seconds}
          type="button"
          className={w.seconds === state.windowSeconds ? 'button button-quiet is-current' : 'button button-quiet'}
          aria-pressed={w.seconds === state.windowSeconds}
          title={w.stored ? 'From the environment’s database: a sample a minute' : 'This console’s live memory'}
          data-testid={`${testIdPrefix}window-${w.seconds}`}
          onClick={() => state.setWindowSeconds(w.seconds)}
        >
          {w.label}
        </button>
      ))}
    </div>
  );
}

/** True when a history holds at least one sample in any series. */
export function hasSamples(history: { series: readonly { values: readonly (number | null)[] }[] } | null): boolean {
  return history?.series.some((s) => s.values.some((v) => v !== null)) ?? false;
}

const RANGE_TEXT = { '24h': { bucket: '5-minute', span: '24 hours' }, '7d': { bucket: '1-hour', span: '7 days' } } as const;

/**
 * What a stored range's charts are (from the database, their buckets and how a bucket is made)
 * and where they stop being whole: an error with nothing to show, nothing stored at all, or
 * stored only since a time. Test ids `${testIdPrefix}history-error|stored|stored-empty|stored-since`.
 */
export function StoredHistoryNotes({
  history,
  range,
  hasData,
  firstAt,
  noun,
  aggregation,
  testIdPrefix,
}: {
  history: PolledState<unknown>;
  range: StoredRange;
  /** The answer holds at least one stored sample. */
  hasData: boolean;
  /** The first bucket with data when it is later than the range's start (partial), else null. */
  firstAt: number | null;
  /** "stream", "queue". */
  noun: string;
  /** How a bucket is made, e.g. "length and lag: the highest in the bucket; rates: the mean". */
  aggregation: string;
  testIdPrefix: string;
}) {
  const { bucket, span } = RANGE_TEXT[range];
  const hasAnswer = history.state === 'ready' || (history.state === 'error' && history.last !== null);
  if (history.state === 'loading') return <p className="empty">Loading stored history…</p>;
  if (history.state === 'error' && !hasAnswer)
    return (
      <p className="empty" data-testid={`${testIdPrefix}history-error`}>
        Stored history unavailable — {history.message}
      </p>
    );
  if (!hasData)
    return (
      <p className="empty" data-testid={`${testIdPrefix}history-stored-empty`}>
        Nothing stored for this {noun} in the last {span}: a console that may write to this environment stores a sample a minute while it runs.
      </p>
    );
  return (
    <>
      <p className="muted small" data-testid={`${testIdPrefix}history-stored`}>
        From the database: a sample a minute, {bucket} buckets ({aggregation}).
      </p>
      {firstAt !== null ? (
        <p className="muted small" data-testid={`${testIdPrefix}history-stored-since`}>
          Stored since {formatDayClock(firstAt)}: the database has no earlier sample of this {noun} in the last {span}.
        </p>
      ) : null}
    </>
  );
}

/** The contract methods that read a chart's stored range from the environment's database. */
type StoredMethod = 'streams.storedHistory' | 'queues.storedHistory' | 'bullmq.storedHistory';

/**
 * A chart's stored range (24 h / 7 d) from the environment's database, refreshed every minute:
 * the notes of {@link StoredHistoryNotes}, then `children` with the chart rows when anything is stored.
 */
export function StoredHistory<M extends StoredMethod, R>({
  method,
  params,
  toRows,
  firstAt,
  noun,
  aggregation,
  testIdPrefix,
  children,
}: {
  method: M;
  params: ParamsOf<M> & { envId: string; range: StoredRange };
  /** The chart rows of an answer (a function defined once, outside the component). */
  toRows: (history: ResultOf<M>) => R;
  /** The first bucket drawn when the rows start after the range's start (partial), else null. */
  firstAt: (rows: R, history: ResultOf<M>) => number | null;
  noun: string;
  aggregation: string;
  testIdPrefix: string;
  children: (rows: R) => ReactNode;
}) {
  // A minute apart once something is stored; while nothing is (a console's first minute is on its way), sooner.
  const [isEmpty, setIsEmpty] = useState(true);
  const history = usePolledCall(method, params, JSON.stringify(params), isEmpty ? 5_000 : 60_000);
  const current = latestOf(history);
  const rows = useMemo(() => (current ? toRows(current) : null), [current, toRows]);
  const hasData = hasSamples(current);
  if (current && isEmpty === hasData) setIsEmpty(!hasData);
  return (
    <>
      <StoredHistoryNotes
        history={history}
        range={params.range}
        hasData={hasData}
        firstAt={rows !== null && current ? firstAt(rows, current) : null}
        noun={noun}
        aggregation={aggregation}
        testIdPrefix={testIdPrefix}
      />
      {rows !== null && hasData ? children(rows) : null}
    </>
  );
}
