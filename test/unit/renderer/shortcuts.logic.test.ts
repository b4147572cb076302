import { describe, expect, it } from 'vitest';
import { matchShortcut, parseShortcut } from '../../../renderer/src/actions/shortcuts.logic';

const bindings = [
  { sequence: parseShortcut('1'), commandId: 'go.overview' },
  { sequence: parseShortcut('g o'), commandId: 'go.overview' },
  { sequence: parseShortcut('g e'), commandId: 'go.environments' },
];

describe('matchShortcut', () => {
  it('runs a single-key shortcut at once', () => {
    expect(matchShortcut([], '1', bindings)).toEqual({ commandId: 'go.overview', pending: [] });
  });

  it('waits after the first key of a sequence, then runs it', () => {
    const first = matchShortcut([], 'g', bindings);
    expect(first).toEqual({ commandId: null, pending: ['g'] });
    expect(matchShortcut(first.pending, 'e', bindings)).toEqual({ commandId: 'go.environments', pending: [] });
  });

  it('starts over with a key that continues nothing', () => {
    expect(matchShortcut(['g'], 'x', bindings)).toEqual({ commandId: null, pending: [] });
    expect(matchShortcut(['g'], '1', bindings)).toEqual({ commandId: 'go.overview', pending: [] });
    expect(matchShortcut(['g'], 'g', bindings)).toEqual({ commandId: null, pending: ['g'] });
  });

  it('ignores unbound keys', () => {
    expect(matchShortcut([], 'z', bindings)).toEqual({ commandId: null, pending: [] });
  });
});
