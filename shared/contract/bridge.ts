import type { PayloadOf, TopicName } from './events';
import type { MethodName, ParamsOf, ResultOf } from './methods';
import type { Result } from './result';

/**
 * What the Electron preload exposes on `window.watchfloor`: one named function per method and per
 * topic (generated from the contract), never a generic invoke. Built by electron/preload/bridge.ts,
 * used by the renderer's Electron transport.
 */
export interface WatchfloorBridge {
  readonly kind: 'electron';
  readonly methods: { readonly [M in MethodName]: (params: ParamsOf<M>) => Promise<Result<ResultOf<M>>> };
  readonly events: {
    readonly [T in TopicName]: (listener: (payload: PayloadOf<T>) => void) => () => void;
  };
}
