import { describe, expect, it } from 'vitest';
import type { PubSubMessage } from '../../../shared/model/pubsub';
import { TAIL_ROWS, clearTail, emptyTail, receiveBatch, setPaused, globMatches } from '../../../renderer/src/features/pubsub/pubsub.logic';
import { formatBytes } from '../../../renderer/src/components/format';

const message = (n: number): PubSubMessage => ({ channel: 'c', pattern: null, at: n, size: 1, preview: String(n), encoding: 'text', truncated: false });
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => message(from + i));

describe('pub/sub tail view', () => {
  it('shows batches newest first, capped, counting what the host dropped', () => {
    let view = receiveBatch(emptyTail, range(0, 3), 0);
    view = receiveBatch(view, range(3, 5), 7);
    expect(view.messages.map((m) => m.at)).toEqual([4, 3, 2, 1, 0]);
    expect(view).toMatchObject({ received: 5, dropped: 7 });
    view = receiveBatch(view, range(5, 5 + TAIL_ROWS), 0);
    expect(view.messages).toHaveLength(TAIL_ROWS);
    expect(view.messages[0]!.at).toBe(4 + TAIL_ROWS);
  });

  it('holds messages while paused and shows them on resume, in order', () => {
    let view = setPaused(receiveBatch(emptyTail, range(0, 2), 0), true);
    view = receiveBatch(view, range(2, 4), 0);
    expect(view.messages.map((m) => m.at)).toEqual([1, 0]);
    expect(view.held.map((m) => m.at)).toEqual([2, 3]);
    view = setPaused(view, false);
    expect(view.messages.map((m) => m.at)).toEqual([3, 2, 1, 0]);
    expect(view.held).toEqual([]);
  });

  it('lets go of held messages beyond the cap and counts them as dropped', () => {
    let view = setPaused(emptyTail, true);
    view = receiveBatch(view, range(0, TAIL_ROWS + 5), 0);
    expect(view.held).toHaveLength(TAIL_ROWS);
    expect(view.held[0]!.at).toBe(5);
    expect(view.dropped).toBe(5);
    expect(clearTail(view)).toEqual({ ...emptyTail, isPaused: true });
  });

  it('formats sizes', () => {
    expect(formatBytes(312)).toBe('312 B');
    expect(formatBytes(4096)).toBe('4.0 KiB');
    expect(formatBytes(1.5 * 1024 * 1024)).toBe('1.5 MiB');
    expect(formatBytes(9.4 * 1024 ** 3)).toBe('9.4 GiB');
  });
});

describe('globMatches: which channels a pattern tail receives (PSUBSCRIBE globs)', () => {
  it('matches *, ?, classes and escapes as Redis does, and nothing else', () => {
    expect(globMatches('ns:cognisync:*', 'ns:cognisync:alerts')).toBe(true);
    expect(globMatches('ns:cognisync:*', 'other:cognisync:alerts')).toBe(false);
    expect(globMatches('h?llo', 'hello')).toBe(true);
    expect(globMatches('h?llo', 'hllo')).toBe(false);
    expect(globMatches('h[ae]llo', 'hallo')).toBe(true);
    expect(globMatches('h[^e]llo', 'hello')).toBe(false);
    expect(globMatches('a.b', 'axb')).toBe(false);
    expect(globMatches('a\\*', 'a*')).toBe(true);
    expect(globMatches('a\\*', 'ab')).toBe(false);
  });
});
