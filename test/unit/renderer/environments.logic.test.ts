import { describe, expect, it } from 'vitest';
import {
  initialEnvironmentsState,
  removeEnvironment,
  selectEnvironment,
  setEnvironments,
  upsertEnvironment,
} from '../../../renderer/src/stores/environments.logic';
import { environmentView } from './fixtures';

describe('environments store updaters', () => {
  const a = environmentView({ id: 'a', name: 'A' });
  const b = environmentView({ id: 'b', name: 'B' });

  it('sets the list and marks it loaded (even when empty)', () => {
    expect(setEnvironments(initialEnvironmentsState, []).isLoaded).toBe(true);
    expect(setEnvironments(initialEnvironmentsState, [a, b]).environments).toEqual([a, b]);
  });

  it('keeps the objects of unchanged environments and the state when nothing changed', () => {
    const first = setEnvironments(initialEnvironmentsState, [a, b]);
    const second = setEnvironments(first, [{ ...a }, { ...b, name: 'B2' }]);
    expect(second.environments[0]).toBe(a);
    expect(second.environments[1]?.name).toBe('B2');
    expect(setEnvironments(first, [{ ...a }, { ...b }])).toBe(first);
  });

  it('sees a change in a nested broker setting', () => {
    const first = setEnvironments(initialEnvironmentsState, [a]);
    const second = setEnvironments(first, [{ ...a, redis: a.redis && { ...a.redis, hasPassword: true } }]);
    expect(second.environments[0]).not.toBe(a);
  });

  it('drops a selection whose environment vanished', () => {
    const selected = selectEnvironment(setEnvironments(initialEnvironmentsState, [a, b]), 'b');
    expect(selected.selectedId).toBe('b');
    expect(setEnvironments(selected, [a]).selectedId).toBeNull();
  });

  it('ignores the selection of an unknown environment', () => {
    const state = setEnvironments(initialEnvironmentsState, [a]);
    expect(selectEnvironment(state, 'nope')).toBe(state);
    expect(selectEnvironment(selectEnvironment(state, 'a'), null).selectedId).toBeNull();
  });

  it('upserts: appends a new environment, replaces an existing one in place', () => {
    const state = setEnvironments(initialEnvironmentsState, [a, b]);
    expect(upsertEnvironment(state, environmentView({ id: 'c' })).environments.map((env) => env.id)).toEqual(['a', 'b', 'c']);
    const renamed = upsertEnvironment(state, { ...a, name: 'Renamed' });
    expect(renamed.environments.map((env) => env.name)).toEqual(['Renamed', 'B']);
    expect(upsertEnvironment(state, { ...a })).toBe(state);
  });

  it('removes an environment and its selection', () => {
    const state = selectEnvironment(setEnvironments(initialEnvironmentsState, [a, b]), 'a');
    const removed = removeEnvironment(state, 'a');
    expect(removed.environments).toEqual([b]);
    expect(removed.selectedId).toBeNull();
    expect(removeEnvironment(removed, 'a')).toBe(removed);
  });
});

describe('environment changes that must reach the screen', () => {
  it('a change of read-only state, write mode or role replaces the environment', () => {
    const base = setEnvironments(initialEnvironmentsState, [environmentView()]);
    for (const patch of [{ readOnly: true }, { writableUntil: 123 }, { role: 'viewer' as const }, { opensReadOnly: true }]) {
      const next = upsertEnvironment(base, { ...base.environments[0]!, ...patch });
      expect(next).not.toBe(base);
      expect(next.environments[0]).toMatchObject(patch);
    }
    expect(upsertEnvironment(base, { ...base.environments[0]! })).toBe(base);
  });
});
