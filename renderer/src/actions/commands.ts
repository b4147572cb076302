import type { WatchfloorClient } from '../api/client';
import type { AppStores } from '../stores/app-stores';
import { navigate, openAddForm, type Screen } from '../stores/navigation.logic';
import { reload } from '../stores/sync';
import { displayShortcut, parseShortcut, type ShortcutBinding } from './shortcuts.logic';

/** The Alerts screen's triage commands: declared here, run by the screen while it is shown. */
export type AlertsCommandId = 'alerts.next' | 'alerts.previous' | 'alerts.open' | 'alerts.ack' | 'alerts.escalate' | 'alerts.resolve' | 'alerts.select' | 'alerts.search' | 'alerts.back' | 'alerts.help';

/** Commands whose work a screen does (its cursor, selection and dialogs are the screen's own state). */
export type ScreenCommandId = AlertsCommandId;

export type CommandId = `go.${Screen}` | 'environments.add' | 'overview.refresh' | ScreenCommandId;

/** One thing a person can do, whether by button, menu or keyboard. */
export interface Command {
  id: CommandId;
  title: string;
  /** What the keyboard help says it does, when the title is not enough. */
  description?: string;
  run(): void;
  isEnabled(): boolean;
  /** Key sequences that run it, e.g. `['1', 'g o']`; the first is the one shown in hints. */
  shortcut: readonly string[];
}

/** A screen command's declaration; its `run` and `isEnabled` come from the screen that binds it. */
export type ScreenCommandSpec = Pick<Command, 'title' | 'description' | 'shortcut'> & { id: ScreenCommandId };

/**
 * Keyboard-first triage on the Alerts screen. While it is shown these keys win over the global
 * ones (`r` resolves there rather than refreshing); a `g …` sequence still navigates.
 */
export const ALERT_COMMANDS: readonly ScreenCommandSpec[] = [
  { id: 'alerts.next', title: 'Next alert', description: 'next alert (grouped: next incident)', shortcut: ['j', 'ArrowDown'] },
  { id: 'alerts.previous', title: 'Previous alert', description: 'previous alert (grouped: previous incident)', shortcut: ['k', 'ArrowUp'] },
  { id: 'alerts.open', title: 'Open', description: 'open the alert (grouped: the incident, Esc back to all incidents)', shortcut: ['Enter'] },
  { id: 'alerts.ack', title: 'Acknowledge', description: 'acknowledge', shortcut: ['a'] },
  { id: 'alerts.escalate', title: 'Escalate', description: 'escalate to the next level', shortcut: ['e'] },
  { id: 'alerts.resolve', title: 'Resolve', description: 'resolve (asks how; a false positive needs a reason)', shortcut: ['r'] },
  { id: 'alerts.select', title: 'Select', description: 'select / unselect (a, r then act on the selection; grouped: all its alerts)', shortcut: ['x'] },
  { id: 'alerts.search', title: 'Search', description: 'search', shortcut: ['/'] },
  { id: 'alerts.back', title: 'Back', description: 'close the alert, the help or the selection', shortcut: ['Escape'] },
  { id: 'alerts.help', title: 'Keyboard shortcuts', description: 'this list', shortcut: ['?'] },
];

/** The key shown beside a command's button: its first shortcut, written as the help writes it. */
export function shortcutHint(command: Pick<Command, 'shortcut'>): string {
  const first = command.shortcut[0];
  return first === undefined ? '' : displayShortcut(first);
}

/** What a screen gives the registry while it is mounted: the work of its commands, and when they may run. */
export interface ScreenBinding {
  run: Partial<Record<ScreenCommandId, () => void>>;
  /** False while the screen's own modal (an action dialog) has the keyboard. */
  isEnabled(): boolean;
}

/** The single registry buttons and keyboard shortcuts both go through. */
export interface CommandRegistry {
  readonly commands: readonly Command[];
  get(id: CommandId): Command;
  /** Runs the command if it is enabled; returns whether it ran. */
  run(id: CommandId): boolean;
  /** Every key sequence, for the keyboard matcher: screen commands first, so that theirs win while they are bound. */
  readonly bindings: readonly ShortcutBinding[];
  /** A mounted screen runs its commands (disabled while unbound); returns the unbinding. */
  bind(binding: ScreenBinding): () => void;
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
  // The digits are all taken and `g e` is Environments: the stored event history (issue 17) is `g v` only.
  { screen: 'events', title: 'Events', keys: ['g v'] },
  // Maintenance windows (issue 20): `g m`.
  { screen: 'silences', title: 'Silences', keys: ['g m'] },
];

export function createCommandRegistry(client: WatchfloorClient, stores: AppStores): CommandRegistry {
  const isOpen = () => stores.connection.getState().state === 'open';
  const bound = new Map<ScreenCommandId, ScreenBinding>();
  const listeners = new Set<() => void>();
  const notify = () => listeners.forEach((listener) => listener());
  const commands: Command[] = [
    ...ALERT_COMMANDS.map(
      (spec): Command => ({
        ...spec,
        isEnabled: () => bound.get(spec.id)?.isEnabled() ?? false,
        run: () => bound.get(spec.id)?.run[spec.id]?.(),
      }),
    ),
    ...SCREENS.map(
      ({ screen, title, keys }): Command => ({
        id: `go.${screen}`,
        title,
        description: `go to ${title}`,
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
    bind(binding) {
      const ids = Object.keys(binding.run) as ScreenCommandId[];
      for (const id of ids) bound.set(id, binding);
      notify();
      return () => {
        for (const id of ids) if (bound.get(id) === binding) bound.delete(id);
        notify();
      };
    },
    subscribe(listener) {
      listeners.add(listener);
      const unsubscribers = [stores.connection.subscribe(listener), stores.navigation.subscribe(listener), () => listeners.delete(listener)];
      return () => unsubscribers.forEach((unsubscribe) => unsubscribe());
    },
  };
}
