import type { WatchfloorClient } from '../api/client';
import type { AppStores } from '../stores/app-stores';
import { navigate, openAddForm, type Screen } from '../stores/navigation.logic';
import { reload } from '../stores/sync';
import { parseShortcut, type ShortcutBinding } from './shortcuts.logic';

export type CommandId = `go.${Screen}` | 'environments.add' | 'overview.refresh';

/** One thing a person can do, whether by button, menu or keyboard. */
export interface Command {
  id: CommandId;
  title: string;
  run(): void;
  isEnabled(): boolean;
  /** Key sequences that run it, e.g. `['1', 'g o']`; the first is the one shown in hints. */
  shortcut: readonly string[];
}

/** The single registry buttons and keyboard shortcuts both go through. */
export interface CommandRegistry {
  readonly commands: readonly Command[];
  get(id: CommandId): Command;
  /** Runs the command if it is enabled; returns whether it ran. */
  run(id: CommandId): boolean;
  /** Every key sequence, for the keyboard matcher. */
  readonly bindings: readonly ShortcutBinding[];
  /** Notifies when something `isEnabled` depends on may have changed. */
  subscribe(listener: () => void): () => void;
}

/** The screens in navigation order, with their keys (digit, then the vim-like `g` sequence). */
export const SCREENS: readonly { screen: Screen; title: string; keys: readonly string[] }[] = [
  { screen: 'overview', title: 'Overview', keys: ['1', 'g o'] },
  { screen: 'streams', title: 'Streams', keys: ['2', 'g s'] },
  { screen: 'queues', title: 'Queues', keys: ['3', 'g q'] },
  { screen: 'pubsub', title: 'Pub/sub', keys: ['4', 'g p'] },
  { screen: 'rules', title: 'Health rules', keys: ['5', 'g h'] },
  { screen: 'environments', title: 'Environments', keys: ['6', 'g e'] },
  { screen: 'deadletters', title: 'Dead letters', keys: ['7', 'g d'] },
  { screen: 'alerts', title: 'Alerts', keys: ['8', 'g a'] },
  { screen: 'audit', title: 'Audit log', keys: ['9', 'g u'] },
  { screen: 'workers', title: 'Workers', keys: ['0', 'g w'] },
];

export function createCommandRegistry(client: WatchfloorClient, stores: AppStores): CommandRegistry {
  const isOpen = () => stores.connection.getState().state === 'open';
  const commands: Command[] = [
    ...SCREENS.map(
      ({ screen, title, keys }): Command => ({
        id: `go.${screen}`,
        title,
        shortcut: keys,
        isEnabled: () => true,
        run: () => stores.navigation.setState((state) => navigate(state, screen), true),
      }),
    ),
    {
      id: 'environments.add',
      title: 'Add environment',
      shortcut: ['n'],
      isEnabled: () => true,
      run: () => stores.navigation.setState((state) => openAddForm(state), true),
    },
    {
      id: 'overview.refresh',
      title: 'Refresh',
      shortcut: ['r'],
      isEnabled: isOpen,
      run: () => void reload(client, stores),
    },
  ];
  const byId = new Map(commands.map((command) => [command.id, command]));
  const get = (id: CommandId): Command => {
    const command = byId.get(id);
    if (!command) throw new Error(`unknown command ${id}`);
    return command;
  };
  return {
    commands,
    get,
    run(id) {
      const command = get(id);
      if (!command.isEnabled()) return false;
      command.run();
      return true;
    },
    bindings: commands.flatMap((command) => command.shortcut.map((shortcut) => ({ sequence: parseShortcut(shortcut), commandId: command.id }))),
    subscribe(listener) {
      const unsubscribers = [stores.connection.subscribe(listener), stores.navigation.subscribe(listener)];
      return () => unsubscribers.forEach((unsubscribe) => unsubscribe());
    },
  };
}
