import type { IpcRenderer } from 'electron';
import { TOPIC_NAMES, type TopicName } from '../../shared/contract/events';
import { METHOD_NAMES, type MethodName } from '../../shared/contract/methods';
import type { Result } from '../../shared/contract/result';

/** What the preload exposes as `window.watchfloor`: one named function per method and per topic. */
export interface WatchfloorBridge {
  kind: 'electron';
  methods: Record<MethodName, (params: unknown) => Promise<Result<unknown>>>;
  events: Record<TopicName, (listener: (payload: unknown) => void) => () => void>;
}

/** Builds the bridge from the contract; `ipcRenderer` itself is never exposed. */
export function createBridge(ipcRenderer: Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>): WatchfloorBridge {
  const methods = {} as WatchfloorBridge['methods'];
  for (const name of METHOD_NAMES) {
    methods[name] = (params: unknown) => ipcRenderer.invoke(name, params) as Promise<Result<unknown>>;
  }
  const events = {} as WatchfloorBridge['events'];
  for (const topic of TOPIC_NAMES) {
    events[topic] = (listener) => {
      const handler = (_event: unknown, payload: unknown) => listener(payload);
      ipcRenderer.on(topic, handler);
      return () => {
        ipcRenderer.removeListener(topic, handler);
      };
    };
  }
  return { kind: 'electron', methods, events };
}
