import { Fragment } from 'react';
import { shortcutRows } from '../../actions/shortcuts.logic';
import { useServices } from '../../services';

/** The keyboard shortcuts in force (`?`), read from the command registry: the screen's first, then the global ones it leaves free. */
export function ShortcutHelp({ onClose }: { onClose: () => void }) {
  const { commands } = useServices();
  const rows = shortcutRows(commands.commands.filter((command) => command.isEnabled()));
  return (
    <div className="action-dialog-backdrop" onClick={onClose}>
      <div className="action-dialog" role="dialog" aria-modal="true" aria-labelledby="shortcut-help-title" data-testid="shortcut-help" onClick={(e) => e.stopPropagation()}>
        <h3 id="shortcut-help-title" className="action-dialog-title">
          Keyboard shortcuts
        </h3>
        <table className="data-table shortcut-table">
          <tbody>
            {rows.map((row) => (
              <tr key={row.id}>
                <td>
                  {row.keys.map((key, i) => (
                    <Fragment key={key}>
                      {i > 0 ? ' / ' : null}
                      <kbd>{key}</kbd>
                    </Fragment>
                  ))}
                </td>
                <td>{row.what}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="action-dialog-actions">
          <button type="button" className="button" onClick={onClose} autoFocus>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
