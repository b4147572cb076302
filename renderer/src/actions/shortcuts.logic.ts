/** A key sequence bound to a command: `'1'` or `'g o'` (keys separated by spaces). */
export interface ShortcutBinding {
  sequence: readonly string[];
  commandId: string;
}

/** Splits `'g o'` into `['g', 'o']`. */
export function parseShortcut(shortcut: string): string[] {
  return shortcut.split(' ').filter((key) => key !== '');
}

/**
 * Feeds one key press to the sequence matcher. `pending` holds the keys typed so far of an
 * unfinished sequence (e.g. `['g']`). Returns the command to run, if the sequence is complete,
 * and the keys to keep waiting on. A key that continues nothing starts over on its own.
 */
export function matchShortcut(
  pending: readonly string[],
  key: string,
  bindings: readonly ShortcutBinding[],
): { commandId: string | null; pending: string[] } {
  const attempt = (keys: string[]) => {
    const exact = bindings.find((binding) => isSameSequence(binding.sequence, keys));
    if (exact) return { commandId: exact.commandId, pending: [] };
    const isPrefix = bindings.some((binding) => binding.sequence.length > keys.length && keys.every((k, i) => binding.sequence[i] === k));
    return isPrefix ? { commandId: null, pending: keys } : null;
  };
  const continued = attempt([...pending, key]);
  if (continued) return continued;
  if (pending.length > 0) {
    const fresh = attempt([key]);
    if (fresh) return fresh;
  }
  return { commandId: null, pending: [] };
}

function isSameSequence(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((key, index) => key === b[index]);
}
