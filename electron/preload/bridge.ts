import type { IpcRenderer } from 'electron';
import { TOPIC_NAMES, type TopicName } from '../../shared/contract/events';
import { METHOD_NAMES, type MethodName } from '../../shared/contract/methods';
import type { Result } from '../../shared/contract/result';
import type { WatchfloorBridge } from '../../shared/contract/bridge';

export type { WatchfloorBridge };

type UntypedMethods = Record<MethodName, (params: unknown) => Promise<Result<unknown>>>;
type UntypedEvents = Record<TopicName, (listener: (payload: unknown) => void) => () => void>;

/** Builds the bridge from the contract; `ipcRenderer` itself is never exposed. */
export function createBridge(ipcRenderer: Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>): WatchfloorBridge {
  const methods = {} as UntypedMethods;
  for (const name of METHOD_NAMES) {
    methods[name] = (params: unknown) => ipcRenderer.invoke(name, params) as Promise<Result<unknown>>;
  }
  const events = {} as UntypedEvents;
  for (const topic of TOPIC_NAMES) {
    events[topic] = (listener) => {
      const handler = (_event: unknown, payload: unknown) => listener(payload);
      ipcRenderer.on(topic, handler);
      return () => {
        ipcRenderer.removeListener(topic, handler);
      };
    };
  }
  // The contract types each function; the loop above cannot, so the typed view is asserted once here.
  return { kind: 'electron', methods: methods as unknown as WatchfloorBridge['methods'], events: events as unknown as WatchfloorBridge['events'] };
}
