import type { PubSubMessage } from '../../../../shared/model/pubsub';

/** Messages a tail keeps on screen (and while paused, held back): older ones are let go. */
export const TAIL_ROWS = 1000;

export interface TailView {
  /** Newest first, at most TAIL_ROWS. */
  messages: readonly PubSubMessage[];
  /** Messages that arrived while paused, oldest first, at most TAIL_ROWS. */
  held: readonly PubSubMessage[];
  isPaused: boolean;
  received: number;
  /** Left out by the host's per-flush cap, plus held messages let go while paused. */
  dropped: number;
}

export const emptyTail: TailView = { messages: [], held: [], isPaused: false, received: 0, dropped: 0 };

/** Takes one pushed batch: shown at once, or held while paused. */
export function receiveBatch(view: TailView, messages: readonly PubSubMessage[], dropped: number): TailView {
  const received = view.received + messages.length;
  if (view.isPaused) {
    const held = [...view.held, ...messages];
    const overflow = Math.max(0, held.length - TAIL_ROWS);
    return { ...view, held: overflow > 0 ? held.slice(overflow) : held, received, dropped: view.dropped + dropped + overflow };
  }
  return { ...view, messages: newestFirst(view.messages, messages), received, dropped: view.dropped + dropped };
}

/** Pauses (new messages are held and counted) or resumes (held messages join the list). */
export function setPaused(view: TailView, isPaused: boolean): TailView {
  if (isPaused === view.isPaused) return view;
  if (isPaused) return { ...view, isPaused };
  return { ...view, isPaused, held: [], messages: newestFirst(view.messages, view.held) };
}

/** Empties the list and the counters. */
export function clearTail(view: TailView): TailView {
  return { ...emptyTail, isPaused: view.isPaused };
}

function newestFirst(current: readonly PubSubMessage[], arrivals: readonly PubSubMessage[]): readonly PubSubMessage[] {
  if (arrivals.length === 0) return current;
  const next = [...arrivals].reverse().concat(current);
  return next.length > TAIL_ROWS ? next.slice(0, TAIL_ROWS) : next;
}

/**
 * Whether a Redis glob pattern (`*`, `?`, `[abc]`, `[^a]`, `\\x`) matches a channel name, as
 * PSUBSCRIBE does. Used to say which channels this console's pattern tail receives: PUBSUB
 * NUMSUB counts only exact subscribers, so a channel tailed by a pattern shows 0.
 */
export function globMatches(pattern: string, name: string): boolean {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else if (ch === '\\' && i + 1 < pattern.length) source += `\\${pattern[++i]!}`;
    else if (ch === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) source += '\\[';
      else {
        const body = pattern.slice(i + 1, end).replace(/\\/g, '\\\\');
        source += `[${body.startsWith('^') ? `^${body.slice(1)}` : body}]`;
        i = end;
      }
    } else source += ch.replace(/[.+^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's').test(name);
}
