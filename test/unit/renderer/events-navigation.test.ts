import { describe, expect, it } from 'vitest';
import { createCommandRegistry, SCREENS, type CommandId } from '../../../renderer/src/actions/commands';
import { matchShortcut } from '../../../renderer/src/actions/shortcuts.logic';
import type { WatchfloorClient } from '../../../renderer/src/api/client';
import { createAppStores } from '../../../renderer/src/stores/app-stores';

const client = { transport: 'websocket', call: () => Promise.resolve({ ok: false, error: { code: 'INTERNAL', message: 'not in this test' } }), on: () => () => undefined } as unknown as WatchfloorClient;

describe('the Events screen in the navigation (issue 17)', () => {
  it('is listed with a key no other screen uses, and g v opens it', () => {
    const entry = SCREENS.find((s) => s.screen === 'events');
    expect(entry).toMatchObject({ title: 'Events', keys: ['g v'] });
    const keys = SCREENS.flatMap((s) => s.keys);
    expect(new Set(keys).size).toBe(keys.length);
    const stores = createAppStores('websocket');
    const commands = createCommandRegistry(client, stores);
    expect(commands.bindings.filter((b) => b.sequence.join(' ') === 'g v').map((b) => b.commandId)).toEqual(['go.events']);
    const enabled = (id: string) => commands.get(id as CommandId).isEnabled();
    const g = matchShortcut([], 'g', commands.bindings, enabled);
    const v = matchShortcut(g.pending, 'v', commands.bindings, enabled);
    expect(v.commandId).toBe('go.events');
    expect(commands.run(v.commandId as CommandId)).toBe(true);
    expect(stores.navigation.getState().screen).toBe('events');
  });
});
