/** The keyboard shortcuts of a screen, in a dialog (`?`). */
export function ShortcutHelp({ keys, onClose }: { keys: readonly { key: string; what: string }[]; onClose: () => void }) {
  return (
    <div className="action-dialog-backdrop" onClick={onClose}>
      <div className="action-dialog" role="dialog" aria-modal="true" aria-labelledby="shortcut-help-title" data-testid="shortcut-help" onClick={(e) => e.stopPropagation()}>
        <h3 id="shortcut-help-title" className="action-dialog-title">
          Keyboard shortcuts
        </h3>
        <table className="data-table shortcut-table">
          <tbody>
            {keys.map((k) => (
              <tr key={k.key}>
                <td>
                  <kbd>{k.key}</kbd>
                </td>
                <td>{k.what}</td>
              </tr>
            ))}
            <tr>
              <td>
                <kbd>g</kbd> then a letter
              </td>
              <td>go to a screen (g a alerts, g u audit, g s streams…)</td>
            </tr>
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
