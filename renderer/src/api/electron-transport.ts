import type { MethodName, Result, TopicName } from '../../../shared/contract';
import { PendingCalls, isResultEnvelope } from '../../../shared/contract/pending-calls';
import type { WatchfloorBridge } from '../env';
import type { Transport } from './transport';

type UntypedMethod = (params: unknown) => Promise<Result<unknown>>;
type UntypedSubscribe = (listener: (payload: unknown) => void) => () => void;

export interface ElectronTransportOptions {
  setTimer?: (run: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  callDeadlineMs?: number;
}

/**
 * The desktop transport: calls and events go through the preload's named functions. A call the
 * main process does not answer fails after the same deadline as in browser mode.
 */
export function createElectronTransport(bridge: WatchfloorBridge, options: ElectronTransportOptions = {}): Transport {
  const pending = new PendingCalls({ peer: 'the Watchfloor main process', deadlineMs: options.callDeadlineMs, setTimer: options.setTimer, clearTimer: options.clearTimer });
  return {
    kind: 'electron',
    call(method: MethodName, params: unknown): Promise<Result<unknown>> {
      const invoke = bridge.methods[method] as UntypedMethod | undefined;
      if (typeof invoke !== 'function') {
        return Promise.resolve({ ok: false, error: { code: 'UNKNOWN_METHOD', message: `the desktop bridge has no method "${method}"` } });
      }
      const call = pending.open(method);
      // Through a promise, so a bridge function that throws at once is answered like one that rejects.
      Promise.resolve().then(() => invoke(params)).then(
        (result) => pending.settle(call.id, isResultEnvelope(result) ? result : { ok: false, error: { code: 'INTERNAL', message: 'the main process sent a malformed answer' } }),
        // IPC itself failed (window closing, handler crashed): the envelope still holds.
        (error: unknown) => pending.settle(call.id, { ok: false, error: { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) } }),
      );
      return call.result;
    },
    on(topic: TopicName, listener: (payload: unknown) => void): () => void {
      const subscribe = bridge.events[topic] as UntypedSubscribe | undefined;
      if (typeof subscribe !== 'function') return () => {};
      return subscribe(listener);
    },
    close() {
      pending.failAll({ code: 'INTERNAL', message: 'the window is closing' });
    },
  };
}
