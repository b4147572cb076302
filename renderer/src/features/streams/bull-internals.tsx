/** Marks one of BullMQ's internal streams with its queue, so it is not read as a pipeline stream. */
export function BullInternalTag({ queue }: { queue: string }) {
  return (
    <span className="tag" data-testid="stream-bull-tag" title={`BullMQ's internal job event stream of queue "${queue}": not a pipeline stream`}>
      BullMQ · {queue}
    </span>
  );
}

/** The "Show BullMQ internals" switch; `hidden` of them are left out while it is off. */
export function BullInternalsToggle({ isShown, hidden, onChange, testId }: { isShown: boolean; hidden: number; onChange: (isShown: boolean) => void; testId: string }) {
  return (
    <label className="small muted" title="BullMQ keeps each queue's job events in a stream (bull:<queue>:events); they are hidden from the pipeline's streams unless shown">
      <input type="checkbox" data-testid={testId} checked={isShown} onChange={(e) => onChange(e.target.checked)} /> Show BullMQ internals{hidden > 0 ? ` (${hidden} hidden)` : ''}
    </label>
  );
}
