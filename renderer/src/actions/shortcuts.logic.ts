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
 * Only the bindings of enabled commands count, and the first of them wins: a screen's commands,
 * listed first, take their keys from the global ones while enabled and give them back when not.
 */
export function matchShortcut(
  pending: readonly string[],
  key: string,
  allBindings: readonly ShortcutBinding[],
  isEnabled: (commandId: string) => boolean = () => true,
): { commandId: string | null; pending: string[] } {
  const bindings = allBindings.filter((binding) => isEnabled(binding.commandId));
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

const KEY_NAMES: Readonly<Record<string, string>> = { ArrowDown: '↓', ArrowUp: '↑', ArrowLeft: '←', ArrowRight: '→', Escape: 'Esc', ' ': 'Space' };

/** How a shortcut is written in hints: `'ArrowDown'` → `'↓'`, `'g o'` stays `'g o'`. */
export function displayShortcut(shortcut: string): string {
  return parseShortcut(shortcut)
    .map((key) => KEY_NAMES[key] ?? key)
    .join(' ');
}

/** One line of the keyboard help. */
export interface ShortcutRow {
  id: string;
  keys: string[];
  what: string;
}

/**
 * The keyboard help, from the commands in force in the order the matcher tries them: each key
 * sequence is listed under the command it runs (the first that has it), and a command whose keys
 * all belong to an earlier one is left out.
 */
export function shortcutRows(commands: readonly { id: string; title: string; description?: string; shortcut: readonly string[] }[]): ShortcutRow[] {
  const taken = new Set<string>();
  const rows: ShortcutRow[] = [];
  for (const command of commands) {
    const keys = command.shortcut.filter((shortcut) => {
      const sequence = parseShortcut(shortcut).join(' ');
      if (taken.has(sequence)) return false;
      taken.add(sequence);
      return true;
    });
    if (keys.length) rows.push({ id: command.id, keys: keys.map(displayShortcut), what: command.description ?? command.title });
  }
  return rows;
}
