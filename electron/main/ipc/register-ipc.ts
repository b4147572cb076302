import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { TOPIC_NAMES } from '../../../shared/contract/events';
import { METHOD_NAMES } from '../../../shared/contract/methods';
import { fail } from '../../../shared/contract/result';
import type { AppCore } from '../../core/app-core';

/** True when the call comes from one of our windows' main frame showing our own page. */
export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>, trustedIds: ReadonlySet<number>, appUrlPrefix: string): boolean {
  if (!trustedIds.has(event.sender.id)) return false;
  const url = event.senderFrame?.url ?? '';
  return url.startsWith(appUrlPrefix);
}

/**
 * One `ipcMain.handle` per contract method: check the sender, then let the core validate and run
 * the call. Returns a function removing every handler.
 */
export function registerIpc(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, core: Pick<AppCore, 'dispatch'>, trustedIds: ReadonlySet<number>, appUrlPrefix: string): () => void {
  for (const method of METHOD_NAMES) {
    ipcMain.handle(method, (event, params: unknown) => {
      if (!isTrustedSender(event, trustedIds, appUrlPrefix)) return fail('UNAUTHORIZED', 'call from an untrusted sender refused');
      return core.dispatch(method, params);
    });
  }
  return () => METHOD_NAMES.forEach((method) => ipcMain.removeHandler(method));
}

/** Forwards every pushed event of the core to a window. Returns an unsubscribe. */
export function forwardEvents(core: Pick<AppCore, 'on'>, contents: Pick<WebContents, 'send' | 'isDestroyed'>): () => void {
  const offs = TOPIC_NAMES.map((topic) =>
    core.on(topic, (payload) => {
      if (!contents.isDestroyed()) contents.send(topic, payload);
    }),
  );
  return () => offs.forEach((off) => off());
}
