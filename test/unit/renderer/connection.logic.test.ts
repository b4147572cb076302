import { describe, expect, it } from 'vitest';
import { applyLinkEvent, describeClose, initialConnectionState, setSyncError } from '../../../renderer/src/stores/connection.logic';

describe('connection state', () => {
  it('starts open on the desktop and connecting in the browser', () => {
    expect(initialConnectionState('electron').state).toBe('open');
    expect(initialConnectionState('websocket').state).toBe('connecting');
  });

  it('goes open, then closed with a reason and a retry time, then open again', () => {
    let state = initialConnectionState('websocket');
    state = applyLinkEvent(state, { type: 'open' }, 0);
    expect(state).toMatchObject({ state: 'open', hasEverOpened: true, reason: null });
    state = applyLinkEvent(state, { type: 'closed', code: 1006, wasOpen: true, retryInMs: 500 }, 10_000);
    expect(state).toMatchObject({ state: 'closed', reason: 'connection lost', retryAt: 10_500 });
    state = applyLinkEvent(state, { type: 'connecting', attempt: 1 }, 10_500);
    expect(state.state).toBe('connecting');
    expect(state.reason).toBe('connection lost');
    state = applyLinkEvent(state, { type: 'open' }, 11_000);
    expect(state).toMatchObject({ state: 'open', reason: null, retryAt: null });
  });

  it('says the token was rejected on close code 4401, and stops planning retries when the transport gives up', () => {
    const state = applyLinkEvent(initialConnectionState('websocket'), { type: 'closed', code: 4401, wasOpen: true, retryInMs: null }, 0);
    expect(state).toMatchObject({ reason: 'token rejected', isTokenRejected: true, retryAt: null });
  });

  it('names both likely causes when the very first handshake fails', () => {
    expect(describeClose(1006, false, false)).toBe('token rejected or host not reachable');
    expect(describeClose(1006, false, true)).toBe('host not reachable');
    expect(describeClose(1001, true, true)).toBe('connection lost');
  });

  it('records the sync error only when it changes', () => {
    const state = initialConnectionState('electron');
    expect(setSyncError(state, null)).toBe(state);
    expect(setSyncError(state, 'boom').syncError).toBe('boom');
  });
});
