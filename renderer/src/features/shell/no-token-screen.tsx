/** Browser mode opened without the token link: explain how to get in instead of failing silently. */
export function NoTokenScreen() {
  return (
    <div className="no-token" data-testid="no-token">
      <h1>Watchfloor needs its access link</h1>
      <p>This page was opened without the access token, so it cannot talk to the Watchfloor host.</p>
      <p>
        Open the URL printed by <code>npm run web</code> in the terminal. It ends with <code>#token=…</code>.
      </p>
    </div>
  );
}
