import type { Session, Shell, WebContents } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../core/security-policy';

/** Hosts `openExternal` may open; everything else, and anything but https, is refused. */
export const EXTERNAL_ALLOW_LIST: readonly string[] = ['github.com', 'redis.io', 'www.rabbitmq.com', 'docs.bullmq.io'];

/** True only for an https URL on an allow-listed host. */
export function isAllowedExternal(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' && EXTERNAL_ALLOW_LIST.includes(parsed.hostname);
  } catch {
    return false;
  }
}

/**
 * Locks a webContents down: no navigation away from the app, no new windows (allow-listed https
 * links open in the system browser instead), no webviews.
 */
export function hardenWebContents(contents: WebContents, shell: Pick<Shell, 'openExternal'>, appUrlPrefix: string): void {
  contents.on('will-navigate', (event, url) => {
    if (!url.startsWith(appUrlPrefix)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!url.startsWith(appUrlPrefix)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternal(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
}

/** The one permission the console asks for: desktop notifications of new critical/high alerts. */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['notifications']);

/** Adds the CSP header to every response and denies every permission request (camera, geolocation…) but notifications. */
export function hardenSession(session: Session): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  session.setPermissionRequestHandler((_contents, permission, callback) => callback(ALLOWED_PERMISSIONS.has(permission)));
  session.setPermissionCheckHandler((_contents, permission) => ALLOWED_PERMISSIONS.has(permission));
}
