import { useSyncExternalStore } from 'react';
import { useServices } from '../services';
import type { Command, CommandId } from './commands';

/** A command plus whether it is enabled right now, re-rendering when that changes. */
export function useCommand(id: CommandId): { command: Command; isEnabled: boolean } {
  const { commands } = useServices();
  const command = commands.get(id);
  const isEnabled = useSyncExternalStore(commands.subscribe, command.isEnabled);
  return { command, isEnabled };
}
