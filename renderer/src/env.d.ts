import type { WatchfloorBridge } from '../../shared/contract/bridge';

export type { WatchfloorBridge };

declare global {
  interface Window {
    /** Present only inside the desktop app; absent in browser mode. */
    watchfloor?: WatchfloorBridge;
  }
}
