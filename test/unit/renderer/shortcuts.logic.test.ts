import { describe, expect, it } from 'vitest';
import { displayShortcut, matchShortcut, parseShortcut, shortcutRows } from '../../../renderer/src/actions/shortcuts.logic';

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

describe('matchShortcut with screen commands', () => {
  // A screen's bindings come first, as the registry lists them.
  const layered = [
    { sequence: parseShortcut('r'), commandId: 'alerts.resolve' },
    { sequence: parseShortcut('j'), commandId: 'alerts.next' },
    { sequence: parseShortcut('r'), commandId: 'overview.refresh' },
    { sequence: parseShortcut('g a'), commandId: 'go.alerts' },
  ];
  const enabled = (ids: string[]) => (id: string) => ids.includes(id);

  it('gives a key to the first enabled command bound to it', () => {
    expect(matchShortcut([], 'r', layered, enabled(['alerts.resolve', 'overview.refresh']))).toEqual({ commandId: 'alerts.resolve', pending: [] });
    expect(matchShortcut([], 'r', layered, enabled(['overview.refresh']))).toEqual({ commandId: 'overview.refresh', pending: [] });
  });

  it('leaves a key of a disabled command unbound', () => {
    expect(matchShortcut([], 'j', layered, enabled(['overview.refresh', 'go.alerts']))).toEqual({ commandId: null, pending: [] });
  });

  it('still completes a g sequence over a screen key', () => {
    const all = enabled(['alerts.resolve', 'alerts.next', 'overview.refresh', 'go.alerts']);
    const first = matchShortcut([], 'g', layered, all);
    expect(first).toEqual({ commandId: null, pending: ['g'] });
    expect(matchShortcut(first.pending, 'a', layered, all)).toEqual({ commandId: 'go.alerts', pending: [] });
  });
});

describe('displayShortcut', () => {
  it('names the keys as the help shows them', () => {
    expect(['j', 'ArrowDown', 'ArrowUp', 'Escape', 'Enter', '?', 'g o'].map(displayShortcut)).toEqual(['j', '↓', '↑', 'Esc', 'Enter', '?', 'g o']);
  });
});

describe('shortcutRows', () => {
  it('lists each key under the first command that has it and drops commands left without one', () => {
    const rows = shortcutRows([
      { id: 'alerts.next', title: 'Next alert', description: 'next alert', shortcut: ['j', 'ArrowDown'] },
      { id: 'alerts.resolve', title: 'Resolve', shortcut: ['r'] },
      { id: 'go.overview', title: 'Overview', description: 'go to Overview', shortcut: ['1', 'g o'] },
      { id: 'overview.refresh', title: 'Refresh', shortcut: ['r'] },
      { id: 'other.down', title: 'Down', shortcut: ['ArrowDown', 'd'] },
    ]);
    expect(rows).toEqual([
      { id: 'alerts.next', keys: ['j', '↓'], what: 'next alert' },
      { id: 'alerts.resolve', keys: ['r'], what: 'Resolve' },
      { id: 'go.overview', keys: ['1', 'g o'], what: 'go to Overview' },
      { id: 'other.down', keys: ['d'], what: 'Down' },
    ]);
  });
});
