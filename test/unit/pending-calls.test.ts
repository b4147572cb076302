import { describe, expect, it } from 'vitest';
import { CodedError } from '../../shared/contract/errors';
import { PendingCalls, isResultEnvelope } from '../../shared/contract/pending-calls';
import { callErrorToError, errorToCallError } from '../../electron/core/workers/worker-thread-protocol';
import { createElectronTransport } from '../../renderer/src/api/electron-transport';
import type { WatchfloorBridge } from '../../renderer/src/env';

/** Manual timers: a test fires a deadline when it wants to. */
function manualTimers() {
  const timers: { run: () => void; ms: number; isCleared: boolean }[] = [];
  return {
    timers,
    setTimer: (run: () => void, ms: number) => {
      const timer = { run, ms, isCleared: false };
      timers.push(timer);
      return timer;
    },
    clearTimer: (handle: unknown) => {
      (handle as { isCleared: boolean }).isCleared = true;
    },
    fireAll: () => timers.filter((t) => !t.isCleared).forEach((t) => t.run()),
  };
}

describe('PendingCalls: the one request/response bookkeeping', () => {
  it('numbers calls, settles each once, and drops an answer after the deadline', async () => {
    const clock = manualTimers();
    const pending = new PendingCalls<string>({ peer: 'the test host', deadlineMs: 5000, ...clock });
    const a = pending.open('streams.list', (id) => `frame ${id}`);
    const b = pending.open('alerts.act', (id) => `frame ${id}`);
    expect([a.id, b.id]).toEqual([1, 2]);
    expect(pending.payloads()).toEqual(['frame 1', 'frame 2']);
    expect(pending.settle(a.id, { ok: true, value: 'listed' })).toBe(true);
    expect(pending.settle(a.id, { ok: true, value: 'again' })).toBe(false);
    expect(await a.result).toEqual({ ok: true, value: 'listed' });
    expect(clock.timers[0]!.isCleared).toBe(true);

    clock.fireAll();
    expect(await b.result).toEqual({ ok: false, error: { code: 'TIMEOUT', message: 'the test host did not answer "alerts.act" in 5 s' } });
    expect(pending.settle(b.id, { ok: true, value: 'late' })).toBe(false);
    expect(pending.size).toBe(0);
  });

  it('fails every waiting call at once when the link goes', async () => {
    const pending = new PendingCalls({ peer: 'p', ...manualTimers() });
    const calls = [pending.open('a'), pending.open('b')];
    pending.failAll({ code: 'INTERNAL', message: 'lost' });
    expect(await Promise.all(calls.map((c) => c.result))).toEqual([
      { ok: false, error: { code: 'INTERNAL', message: 'lost' } },
      { ok: false, error: { code: 'INTERNAL', message: 'lost' } },
    ]);
    expect(pending.size).toBe(0);
  });

  it('tells a Result envelope from anything else', () => {
    expect(isResultEnvelope({ ok: true, value: 1 })).toBe(true);
    expect(isResultEnvelope({ ok: false, error: { code: 'X', message: 'm' } })).toBe(true);
    expect(isResultEnvelope({ ok: false, error: 'a string' })).toBe(false);
    expect(isResultEnvelope(null)).toBe(false);
    expect(isResultEnvelope({ value: 1 })).toBe(false);
  });
});

describe('the workers thread answers with the shared Result', () => {
  it('keeps a CodedError code and details across the thread, and maps anything else to INTERNAL', () => {
    const unsupported = errorToCallError(new CodedError('UNSUPPORTED', 'workers refuse a Redis Cluster', { mode: 'cluster' }));
    expect(unsupported).toEqual({ code: 'UNSUPPORTED', message: 'workers refuse a Redis Cluster', details: { mode: 'cluster' } });
    const back = callErrorToError(unsupported);
    expect(back).toBeInstanceOf(CodedError);
    expect([back.code, back.message, back.details]).toEqual(['UNSUPPORTED', 'workers refuse a Redis Cluster', { mode: 'cluster' }]);
    expect(errorToCallError(new Error('boom'))).toEqual({ code: 'INTERNAL', message: 'boom' });
    expect(errorToCallError('plain')).toEqual({ code: 'INTERNAL', message: 'plain' });
    expect(callErrorToError({ code: 'NOT_A_CODE' as never, message: 'm' }).code).toBe('INTERNAL');
  });
});

describe('the Electron transport', () => {
  const bridgeWith = (methods: Record<string, (params: unknown) => Promise<unknown>>) => ({ methods, events: {} }) as unknown as WatchfloorBridge;

  it('fails a call the main process never answers after the shared deadline', async () => {
    const clock = manualTimers();
    const transport = createElectronTransport(bridgeWith({ 'environments.list': () => new Promise(() => undefined) }), { ...clock, callDeadlineMs: 30_000 });
    const call = transport.call('environments.list', {});
    await Promise.resolve();
    clock.fireAll();
    expect(await call).toEqual({ ok: false, error: { code: 'TIMEOUT', message: 'the Watchfloor main process did not answer "environments.list" in 30 s' } });
  });

  it('answers a throwing or malformed bridge with an error envelope, and a good one with its result', async () => {
    const transport = createElectronTransport(
      bridgeWith({
        'environments.list': async () => ({ ok: true, value: [] }),
        'environments.get': () => {
          throw new Error('ipc went away');
        },
        'environments.add': async () => 'not an envelope',
      }),
      manualTimers(),
    );
    expect(await transport.call('environments.list', {})).toEqual({ ok: true, value: [] });
    expect(await transport.call('environments.get' as never, {})).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'ipc went away' } });
    expect(await transport.call('environments.add', {})).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(await transport.call('no.such' as never, {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
  });
});
