import { describe, expect, it } from 'vitest';
import { ALERT_COMMANDS, createCommandRegistry, shortcutHint, type CommandId } from '../../../renderer/src/actions/commands';
import { matchShortcut, shortcutRows } from '../../../renderer/src/actions/shortcuts.logic';
import type { WatchfloorClient } from '../../../renderer/src/api/client';
import { createAppStores } from '../../../renderer/src/stores/app-stores';

const client = { transport: 'websocket', call: () => Promise.resolve({ ok: false, error: { code: 'INTERNAL', message: 'not in this test' } }), on: () => () => undefined } as unknown as WatchfloorClient;

function registry() {
  const stores = createAppStores('websocket');
  return { stores, commands: createCommandRegistry(client, stores) };
}

/** What the keyboard hook does with one key: match among the enabled commands, run it. */
function press(commands: ReturnType<typeof registry>['commands'], key: string, pending: string[] = []): { ran: string | null; pending: string[] } {
  const match = matchShortcut(pending, key, commands.bindings, (id) => commands.get(id as CommandId).isEnabled());
  return { ran: match.commandId !== null && commands.run(match.commandId as CommandId) ? match.commandId : null, pending: match.pending };
}

describe('the command registry and the Alerts screen commands', () => {
  it('declares every alerts command with a title and a key, none of them unbound while no screen is shown', () => {
    const { commands } = registry();
    for (const spec of ALERT_COMMANDS) {
      const command = commands.get(spec.id);
      expect(command.title).not.toBe('');
      expect(command.shortcut.length).toBeGreaterThan(0);
      expect(command.isEnabled()).toBe(false);
      expect(commands.run(spec.id)).toBe(false);
    }
  });

  it('runs the bound screen work by key, gives r to resolve while bound and back to refresh after', () => {
    const { stores, commands } = registry();
    stores.connection.setState((s) => ({ ...s, state: 'open' }), true);
    const ran: string[] = [];
    const changes: number[] = [];
    commands.subscribe(() => changes.push(1));
    const unbind = commands.bind({ run: Object.fromEntries(ALERT_COMMANDS.map(({ id }) => [id, () => ran.push(id)])), isEnabled: () => true });
    expect(changes.length).toBe(1);
    expect(press(commands, 'j').ran).toBe('alerts.next');
    expect(press(commands, 'ArrowUp').ran).toBe('alerts.previous');
    expect(press(commands, 'r').ran).toBe('alerts.resolve');
    expect(press(commands, 'Escape').ran).toBe('alerts.back');
    expect(press(commands, '?').ran).toBe('alerts.help');
    expect(ran).toEqual(['alerts.next', 'alerts.previous', 'alerts.resolve', 'alerts.back', 'alerts.help']);
    // `g a` still navigates, even though `a` alone acknowledges here.
    const g = press(commands, 'g');
    expect(press(commands, 'a', g.pending).ran).toBe('go.alerts');
    expect(stores.navigation.getState().screen).toBe('alerts');
    const before = changes.length;
    unbind();
    expect(changes.length).toBe(before + 1);
    expect(press(commands, 'j').ran).toBe(null);
    expect(press(commands, 'r').ran).toBe('overview.refresh');
  });

  it('stands aside while the screen says its dialog has the keyboard: global keys still work', () => {
    const { stores, commands } = registry();
    let isDialogOpen = true;
    const ran: string[] = [];
    commands.bind({ run: { 'alerts.ack': () => ran.push('ack') }, isEnabled: () => !isDialogOpen });
    expect(press(commands, 'a').ran).toBe(null);
    expect(press(commands, '2').ran).toBe('go.streams');
    expect(stores.navigation.getState().screen).toBe('streams');
    isDialogOpen = false;
    expect(press(commands, 'a').ran).toBe('alerts.ack');
    expect(ran).toEqual(['ack']);
  });

  it('an older unbinding does not remove a newer screen binding of the same command', () => {
    const { commands } = registry();
    const ran: string[] = [];
    const first = commands.bind({ run: { 'alerts.ack': () => ran.push('first') }, isEnabled: () => true });
    commands.bind({ run: { 'alerts.ack': () => ran.push('second') }, isEnabled: () => true });
    first();
    expect(commands.run('alerts.ack')).toBe(true);
    expect(ran).toEqual(['second']);
  });

  it('builds the help of the Alerts screen from the registry: its keys first, refresh hidden behind r', () => {
    const { commands } = registry();
    commands.bind({ run: Object.fromEntries(ALERT_COMMANDS.map(({ id }) => [id, () => undefined])), isEnabled: () => true });
    const rows = shortcutRows(commands.commands.filter((c) => c.isEnabled()));
    expect(rows.slice(0, ALERT_COMMANDS.length).map((r) => r.id)).toEqual(ALERT_COMMANDS.map((c) => c.id));
    expect(rows.find((r) => r.id === 'alerts.ack')).toEqual({ id: 'alerts.ack', keys: ['a'], what: 'acknowledge' });
    expect(rows.find((r) => r.id === 'alerts.next')?.keys).toEqual(['j', '↓']);
    expect(rows.find((r) => r.id === 'go.alerts')).toEqual({ id: 'go.alerts', keys: ['8', 'g a'], what: 'go to Alerts' });
    expect(rows.some((r) => r.id === 'overview.refresh')).toBe(false);
  });

  it('the alerts keys are distinct and take only r from the global commands', () => {
    const { commands } = registry();
    const alertKeys = ALERT_COMMANDS.flatMap((c) => c.shortcut);
    expect(new Set(alertKeys).size).toBe(alertKeys.length);
    const globalKeys = commands.commands.filter((c) => !c.id.startsWith('alerts.')).flatMap((c) => c.shortcut);
    expect(alertKeys.filter((k) => globalKeys.includes(k))).toEqual(['r']);
  });

  it('writes the hint beside a button as the help does', () => {
    const { commands } = registry();
    expect(['alerts.ack', 'alerts.next', 'alerts.back', 'go.overview'].map((id) => shortcutHint(commands.get(id as CommandId)))).toEqual(['a', 'j', 'Esc', '1']);
    expect(shortcutHint({ shortcut: [] })).toBe('');
  });
});
