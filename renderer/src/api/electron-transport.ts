import type { MethodName, Result, TopicName } from '../../../shared/contract';
import type { WatchfloorBridge } from '../env';
import type { Transport } from './transport';

type UntypedMethod = (params: unknown) => Promise<Result<unknown>>;
type UntypedSubscribe = (listener: (payload: unknown) => void) => () => void;

/** The desktop transport: calls and events go through the preload's named functions. */
export function createElectronTransport(bridge: WatchfloorBridge): Transport {
  return {
    kind: 'electron',
    async call(method: MethodName, params: unknown): Promise<Result<unknown>> {
      const invoke = bridge.methods[method] as UntypedMethod | undefined;
      if (typeof invoke !== 'function') {
        return { ok: false, error: { code: 'UNKNOWN_METHOD', message: `the desktop bridge has no method "${method}"` } };
      }
      try {
        return await invoke(params);
      } catch (error) {
        // IPC itself failed (window closing, handler crashed): the envelope still holds.
        return { ok: false, error: { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) } };
      }
    },
    on(topic: TopicName, listener: (payload: unknown) => void): () => void {
      const subscribe = bridge.events[topic] as UntypedSubscribe | undefined;
      if (typeof subscribe !== 'function') return () => {};
      return subscribe(listener);
    },
    close() {},
  };
}
