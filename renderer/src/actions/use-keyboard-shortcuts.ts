import { useEffect } from 'react';
import type { CommandId, CommandRegistry } from './commands';
import { matchShortcut } from './shortcuts.logic';

/** How long a half-typed sequence such as `g …` waits for its next key. */
const SEQUENCE_TIMEOUT_MS = 1200;

/**
 * Routes every key press to the command registry, the global commands and those a screen has
 * bound alike. Keys typed into a field, or with a modifier held, belong to that field or to the
 * system, never to a shortcut.
 */
export function useKeyboardShortcuts(registry: CommandRegistry): void {
  useEffect(() => {
    let pending: string[] = [];
    let lastKeyAt = 0;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
      if (isEditable(event.target)) return;
      if (event.timeStamp - lastKeyAt > SEQUENCE_TIMEOUT_MS) pending = [];
      lastKeyAt = event.timeStamp;
      const match = matchShortcut(pending, event.key, registry.bindings, (id) => registry.get(id as CommandId).isEnabled());
      pending = match.pending;
      if (match.commandId !== null && registry.run(match.commandId as CommandId)) event.preventDefault();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [registry]);
}

function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT';
}
