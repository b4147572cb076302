import { describe, expect, it } from 'vitest';
import { applyDemoStatus, initialDemoState, retainDemoStatuses } from '../../../renderer/src/stores/demo.logic';
import { demoStatus } from './fixtures';

describe('demo store updaters', () => {
  it('records the status per environment', () => {
    const state = applyDemoStatus(applyDemoStatus(initialDemoState, demoStatus('a', { running: true })), demoStatus('b'));
    expect(state.byEnv.a?.running).toBe(true);
    expect(state.byEnv.b?.running).toBe(false);
  });

  it('returns the same state for an identical status and a new one when counts move', () => {
    const state = applyDemoStatus(initialDemoState, demoStatus('a'));
    expect(applyDemoStatus(state, demoStatus('a'))).toBe(state);
    const moved = applyDemoStatus(state, demoStatus('a', { produced: { redis: 5, amqp: 0, malformed: 0 } }));
    expect(moved.byEnv.a?.produced.redis).toBe(5);
  });

  it('keeps the last error', () => {
    const state = applyDemoStatus(initialDemoState, demoStatus('a', { lastError: 'NOAUTH' }));
    expect(state.byEnv.a?.lastError).toBe('NOAUTH');
  });

  it('forgets removed environments', () => {
    const state = applyDemoStatus(applyDemoStatus(initialDemoState, demoStatus('a')), demoStatus('b'));
    expect(Object.keys(retainDemoStatuses(state, new Set(['b'])).byEnv)).toEqual(['b']);
    expect(retainDemoStatuses(state, new Set(['a', 'b']))).toBe(state);
  });
});
