import { useState } from 'react';
import type { StoreApi } from 'zustand/vanilla';
import type { AlertSummary } from '../../../../shared/model/alerts';
import { DEFAULT_NOTIFY_PREFS, alertChangesBetween, badgeCount, notifiable, notificationText, type AlertsState, type NotifyPrefs } from '../../stores/alerts.logic';

const PREFS_KEY = 'watchfloor.notify';
const BASE_TITLE = 'Watchfloor';

export function loadNotifyPrefs(): NotifyPrefs {
  try {
    return { ...DEFAULT_NOTIFY_PREFS, ...(JSON.parse(localStorage.getItem(PREFS_KEY) ?? '{}') as Partial<NotifyPrefs>) };
  } catch {
    return DEFAULT_NOTIFY_PREFS;
  }
}

function saveNotifyPrefs(prefs: NotifyPrefs): void {
  localStorage.setItem(PREFS_KEY, JSON.stringify(prefs));
}

/**
 * Desktop notifications and the badge for new critical and high alerts. The badge is the count in
 * the window title ("(3) Watchfloor"): the Electron shell mirrors it onto the dock/taskbar badge,
 * a browser shows it on the tab. Notifications use the Web Notifications API (a system
 * notification in Electron), at most one per cooldown: a storm becomes "N new alerts".
 */
export function startAlertNotifier(store: StoreApi<AlertsState>, repeats: () => Readonly<Record<string, string>> = () => ({})): () => void {
  let previous = store.getState();
  let lastShownAt = 0;
  let held: AlertSummary[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const show = () => {
    timer = undefined;
    if (!held.length) return;
    const { title, body } = notificationText(held);
    held = [];
    lastShownAt = Date.now();
    if (typeof Notification !== 'undefined' && Notification.permission === 'granted') new Notification(title, { body, tag: 'watchfloor-alerts' });
  };
  const onChange = (state: AlertsState) => {
    const prefs = loadNotifyPrefs();
    const repeated = repeats();
    for (const [envId, env] of Object.entries(state.byEnv)) {
      const before = previous.byEnv[envId];
      // The same alert seen through a second profile of the same Redis notifies once.
      if (repeated[envId]) continue;
      if (!before || before === env) continue;
      // A push says what it changed; a full list is compared alert by alert.
      const changed = alertChangesBetween(before.byId, env.byId)?.put ?? Object.values(env.byId).filter((a) => before.byId[a.id] !== a);
      // A silenced alert (issue 20) notifies nobody, this console's desktop included.
      held.push(...notifiable(before, changed, prefs).filter((a) => a.silencedBy === undefined));
    }
    previous = state;
    const count = badgeCount(state, repeated);
    document.title = count > 0 ? `(${count}) ${BASE_TITLE}` : BASE_TITLE;
    if (held.length && !timer) timer = setTimeout(show, Math.max(0, lastShownAt + prefs.cooldownMs - Date.now()));
  };
  const unsubscribe = store.subscribe(onChange);
  return () => {
    unsubscribe();
    clearTimeout(timer);
  };
}

/** The bell in the Alerts toolbar: which severities notify, the cooldown, and the browser permission. */
export function NotifyPrefsControl() {
  const [prefs, setPrefs] = useState(loadNotifyPrefs);
  const [isOpen, setIsOpen] = useState(false);
  // Read once: Notification.permission asks the browser process, and this control re-renders with the Alerts screen.
  const [permission, setPermission] = useState(() => (typeof Notification === 'undefined' ? 'unsupported' : Notification.permission));
  const update = (patch: Partial<NotifyPrefs>) => {
    const next = { ...prefs, ...patch };
    setPrefs(next);
    saveNotifyPrefs(next);
  };
  const on = [prefs.critical ? 'critical' : null, prefs.high ? 'high' : null].filter(Boolean).join(' + ') || 'off';
  return (
    <div className="notify-prefs">
      <button type="button" className="button button-quiet" aria-expanded={isOpen} onClick={() => setIsOpen((v) => !v)} data-testid="notify-prefs">
        Notify: {on}
      </button>
      {isOpen ? (
        <div className="notify-popover" role="group" aria-label="Desktop notifications">
          <label className="small">
            <input type="checkbox" checked={prefs.critical} onChange={(e) => update({ critical: e.target.checked })} /> New critical alerts
          </label>
          <label className="small">
            <input type="checkbox" checked={prefs.high} onChange={(e) => update({ high: e.target.checked })} /> New high alerts
          </label>
          <label className="small">
            At most one every{' '}
            <select className="input" value={prefs.cooldownMs} onChange={(e) => update({ cooldownMs: Number(e.target.value) })}>
              <option value={0}>—</option>
              <option value={10_000}>10 s</option>
              <option value={30_000}>30 s</option>
              <option value={120_000}>2 min</option>
              <option value={600_000}>10 min</option>
            </select>
          </label>
          {permission === 'default' ? (
            <button type="button" className="button" onClick={() => void Notification.requestPermission().then(setPermission)}>
              Allow desktop notifications
            </button>
          ) : (
            <span className="muted small">{permission === 'granted' ? 'Desktop notifications allowed.' : permission === 'denied' ? 'Notifications are blocked for this page (browser settings).' : 'Notifications are not supported here.'}</span>
          )}
        </div>
      ) : null}
    </div>
  );
}
