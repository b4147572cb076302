import type { MethodName, ParamsOf, PayloadOf, Result, ResultOf, TopicName } from '../../shared/contract';

/**
 * What the Electron preload exposes on `window.watchfloor`: one named function per method and per
 * topic (generated from the contract), never a generic invoke.
 */
export interface WatchfloorBridge {
  readonly kind: 'electron';
  readonly methods: { readonly [M in MethodName]: (params: ParamsOf<M>) => Promise<Result<ResultOf<M>>> };
  readonly events: {
    readonly [T in TopicName]: (listener: (payload: PayloadOf<T>) => void) => () => void;
  };
}

declare global {
  interface Window {
    /** Present only inside the desktop app; absent in browser mode. */
    watchfloor?: WatchfloorBridge;
  }
}
