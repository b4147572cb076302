import type { ReactNode } from 'react';
import type { CommandId } from '../actions/commands';
import { useCommand } from '../actions/use-command';
import { useServices } from '../services';

/** A button that runs a registered command, shows its shortcut and follows its enabled state. */
export function CommandButton({
  id,
  className,
  testId,
  children,
}: {
  id: CommandId;
  className?: string;
  testId?: string;
  children?: ReactNode;
}) {
  const { commands } = useServices();
  const { command, isEnabled } = useCommand(id);
  const hint = command.shortcut[0];
  return (
    <button
      type="button"
      className={className ?? 'button'}
      data-testid={testId}
      disabled={!isEnabled}
      title={hint ? `${command.title} (${hint})` : command.title}
      onClick={() => commands.run(id)}
    >
      {children ?? command.title}
    </button>
  );
}
