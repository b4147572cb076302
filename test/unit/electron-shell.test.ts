import { describe, expect, it, vi } from 'vitest';
import { METHOD_NAMES } from '../../shared/contract/methods';
import { TOPIC_NAMES } from '../../shared/contract/events';
import { createMainWindow, secureWebPreferences } from '../../electron/main/window';
import { hardenSession, hardenWebContents, isAllowedExternal } from '../../electron/main/security';
import { forwardEvents, registerIpc } from '../../electron/main/ipc/register-ipc';
import { createBridge } from '../../electron/preload/bridge';
import { checkElectron } from '../../electron/headless/electron-availability';
import { openDesktopSecretStore, SafeStorageSecretStore } from '../../electron/main/safe-storage-secret-store';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// The Electron binary cannot run here: the shell's pieces take Electron's objects as arguments,
// so these tests hand them fakes. Importing 'electron' itself would try to download it.
vi.mock('electron', () => ({}));

describe('window factory', () => {
  it('creates windows with isolated, sandboxed, node-free web preferences', () => {
    const created: unknown[] = [];
    class FakeWindow {
      webContents = { id: 1 };
      constructor(options: unknown) {
        created.push(options);
      }
      once() {}
      on(name: string, handler: (event: unknown, title: string) => void) {
        if (name === 'page-title-updated') titleHandler = handler;
      }
      loadFile() {
        return Promise.resolve();
      }
    }
    let titleHandler: ((event: unknown, title: string) => void) | undefined;
    const badges: number[] = [];
    createMainWindow(FakeWindow as never, '/app/preload.cjs', '/app/index.html', (n) => badges.push(n));
    titleHandler?.({}, '(3) Watchfloor');
    titleHandler?.({}, 'Watchfloor');
    expect(badges).toEqual([3, 0]);
    const prefs = (created[0] as { webPreferences: Record<string, unknown> }).webPreferences;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, allowRunningInsecureContent: false, webviewTag: false, nodeIntegrationInWorker: false, nodeIntegrationInSubFrames: false });
    expect(secureWebPreferences('/app/preload.cjs')).toEqual(prefs);
  });
});

describe('navigation and external links', () => {
  it('allows only https links to allow-listed hosts', () => {
    expect(isAllowedExternal('https://github.com/x')).toBe(true);
    expect(isAllowedExternal('http://github.com/x')).toBe(false);
    expect(isAllowedExternal('https://evil.example')).toBe(false);
    expect(isAllowedExternal('file:///etc/passwd')).toBe(false);
    expect(isAllowedExternal('javascript:alert(1)')).toBe(false);
  });

  it('denies navigation away from the app and every window.open', () => {
    const handlers: Record<string, (event: { preventDefault: () => void }, url: string) => void> = {};
    let openHandler: ((details: { url: string }) => { action: string }) | undefined;
    const contents = {
      on: (name: string, handler: (event: { preventDefault: () => void }, url: string) => void) => (handlers[name] = handler),
      setWindowOpenHandler: (handler: typeof openHandler) => (openHandler = handler),
    };
    const shell = { openExternal: vi.fn(async () => undefined) };
    hardenWebContents(contents as never, shell, 'file:///app/renderer');
    const prevented = vi.fn();
    handlers['will-navigate']!({ preventDefault: prevented }, 'https://evil.example');
    handlers['will-navigate']!({ preventDefault: prevented }, 'file:///app/renderer/index.html');
    expect(prevented).toHaveBeenCalledTimes(1);
    expect(openHandler!({ url: 'https://evil.example' })).toEqual({ action: 'deny' });
    expect(openHandler!({ url: 'https://github.com/watchfloor' })).toEqual({ action: 'deny' });
    expect(shell.openExternal).toHaveBeenCalledTimes(1);
    expect(shell.openExternal).toHaveBeenCalledWith('https://github.com/watchfloor');
  });
});

describe('IPC adapter', () => {
  it('registers one handler per contract method and refuses untrusted senders', async () => {
    const registered = new Map<string, (event: unknown, params: unknown) => unknown>();
    const ipcMain = { handle: (name: string, fn: (event: unknown, params: unknown) => unknown) => registered.set(name, fn), removeHandler: vi.fn() };
    const core = { dispatch: vi.fn(async () => ({ ok: true as const, value: [] })) };
    registerIpc(ipcMain as never, core, new Set([7]), 'file:///app/renderer');
    expect([...registered.keys()].sort()).toEqual([...METHOD_NAMES].sort());
    const handler = registered.get('environments.list')!;
    expect(await handler({ sender: { id: 7 }, senderFrame: { url: 'file:///app/renderer/index.html' } }, {})).toEqual({ ok: true, value: [] });
    expect(await handler({ sender: { id: 8 }, senderFrame: { url: 'file:///app/renderer/index.html' } }, {})).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(await handler({ sender: { id: 7 }, senderFrame: { url: 'https://evil.example/' } }, {})).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(core.dispatch).toHaveBeenCalledTimes(1);
  });

  it('forwards every topic to the window until unsubscribed', () => {
    const listeners = new Map<string, (payload: unknown) => void>();
    const core = { on: (topic: string, l: (payload: unknown) => void) => (listeners.set(topic, l), () => listeners.delete(topic)) };
    const contents = { send: vi.fn(), isDestroyed: () => false };
    const off = forwardEvents(core as never, contents);
    expect([...listeners.keys()].sort()).toEqual([...TOPIC_NAMES].sort());
    listeners.get('demo.status')!({ envId: 'x' });
    expect(contents.send).toHaveBeenCalledWith('demo.status', { envId: 'x' });
    off();
    expect(listeners.size).toBe(0);
  });
});

describe('preload bridge', () => {
  it('exposes exactly one named function per method and per topic, never ipcRenderer', async () => {
    const ipcRenderer = { invoke: vi.fn(async () => ({ ok: true })), on: vi.fn(), removeListener: vi.fn() };
    const bridge = createBridge(ipcRenderer);
    expect(Object.keys(bridge).sort()).toEqual(['events', 'kind', 'methods']);
    expect(Object.keys(bridge.methods).sort()).toEqual([...METHOD_NAMES].sort());
    expect(Object.keys(bridge.events).sort()).toEqual([...TOPIC_NAMES].sort());
    await bridge.methods['overview.get']({});
    expect(ipcRenderer.invoke).toHaveBeenCalledWith('overview.get', {});
    const off = bridge.events['overview.tick'](() => undefined);
    off();
    expect(ipcRenderer.removeListener).toHaveBeenCalledTimes(1);
  });
});

describe('npm start fallback', () => {
  it('explains in one line why the desktop shell cannot start', () => {
    const result = checkElectron({}, 'linux');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/Electron binary is not installed|no display/);
    const noDisplay = checkElectron({ ELECTRON_OVERRIDE_DIST_PATH: '/bin', DISPLAY: '' }, 'linux');
    expect(noDisplay.ok).toBe(false);
  });
});

describe('session hardening', () => {
  it('sets the CSP on every response and grants only the notifications permission', () => {
    let request: ((c: unknown, permission: string, cb: (ok: boolean) => void) => void) | undefined;
    let check: ((c: unknown, permission: string) => boolean) | undefined;
    let headers: ((details: { responseHeaders: Record<string, string[]> }, cb: (r: { responseHeaders: Record<string, string[]> }) => void) => void) | undefined;
    hardenSession({
      webRequest: { onHeadersReceived: (h: typeof headers) => (headers = h) },
      setPermissionRequestHandler: (h: typeof request) => (request = h),
      setPermissionCheckHandler: (h: typeof check) => (check = h),
    } as never);
    const answers: Record<string, boolean> = {};
    for (const p of ['notifications', 'media', 'geolocation', 'clipboard-read', 'openExternal']) request!({}, p, (ok) => (answers[p] = ok));
    expect(answers).toEqual({ notifications: true, media: false, geolocation: false, 'clipboard-read': false, openExternal: false });
    expect(check!({}, 'notifications')).toBe(true);
    expect(check!({}, 'media')).toBe(false);
    let csp: string[] | undefined;
    headers!({ responseHeaders: {} }, (r) => (csp = r.responseHeaders['Content-Security-Policy']));
    expect(csp?.[0]).toContain("script-src 'self'");
    expect(csp?.[0]).not.toMatch(/unsafe-(inline|eval)[^;]*;?\s*$|script-src[^;]*unsafe/);
  });
});

/** A safeStorage whose sync API throws: only the async API may be used. */
function fakeSafeStorage(backend: string, isAvailable = true) {
  const seal = (text: string) => Buffer.from(`sealed:${text}`);
  return {
    isAsyncEncryptionAvailable: vi.fn(async () => isAvailable),
    getSelectedStorageBackend: vi.fn(() => backend as 'basic_text'),
    encryptStringAsync: vi.fn(async (text: string) => seal(text)),
    decryptStringAsync: vi.fn(async (sealed: Buffer) => ({ result: sealed.toString().replace(/^sealed:/, ''), shouldReEncrypt: false })),
    isEncryptionAvailable: () => {
      throw new Error('sync safeStorage API used');
    },
    encryptString: () => {
      throw new Error('sync safeStorage API used');
    },
    decryptString: () => {
      throw new Error('sync safeStorage API used');
    },
  };
}

describe('desktop secret store', () => {
  const withHome = async (run: (home: string) => Promise<void>) => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'wf-secrets-'));
    try {
      await run(home);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  };

  it('seals and opens passwords with the async safeStorage API, re-sealing when the key rotated', () =>
    withHome(async (home) => {
      const safe = fakeSafeStorage('gnome_libsecret');
      const { store, reason } = await openDesktopSecretStore(safe, 'linux', home, {});
      expect(store).toBeInstanceOf(SafeStorageSecretStore);
      expect(store.kind).toBe('safeStorage (gnome_libsecret)');
      expect(reason).toMatch(/OS keychain \(gnome_libsecret\)/);
      expect(safe.isAsyncEncryptionAvailable).toHaveBeenCalled();
      await store.set('env:a:redis', 'pw');
      expect(safe.encryptStringAsync).toHaveBeenCalledWith('pw');
      expect(readFileSync(path.join(home, 'secrets.safe.json'), 'utf8')).not.toContain('"pw"');
      expect(statSync(path.join(home, 'secrets.safe.json')).mode & 0o777).toBe(0o600);
      expect(await store.get('env:a:redis')).toBe('pw');
      safe.decryptStringAsync.mockResolvedValueOnce({ result: 'pw', shouldReEncrypt: true });
      expect(await store.get('env:a:redis')).toBe('pw');
      expect(safe.encryptStringAsync).toHaveBeenCalledTimes(2);
      await store.delete('env:a:redis');
      expect(await store.get('env:a:redis')).toBeUndefined();
    }));

  it('refuses basic_text on Linux without the opt-in: the 0600 key file store, and says why', () =>
    withHome(async (home) => {
      const safe = fakeSafeStorage('basic_text');
      const { store, reason } = await openDesktopSecretStore(safe, 'linux', home, {});
      expect(store.kind).toBe('file (0600 key file)');
      expect(reason).toMatch(/basic_text.*refused.*WATCHFLOOR_ACCEPT_BASIC_TEXT=1/);
      await store.set('env:a:redis', 'pw');
      expect(safe.encryptStringAsync).not.toHaveBeenCalled();
      expect(statSync(path.join(home, 'secret.key')).mode & 0o777).toBe(0o600);
      expect(await store.get('env:a:redis')).toBe('pw');
      const unset = await openDesktopSecretStore(safe, 'linux', home, { WATCHFLOOR_ACCEPT_BASIC_TEXT: '0' });
      expect(unset.store.kind).toBe('file (0600 key file)');
    }));

  it('accepts basic_text only with WATCHFLOOR_ACCEPT_BASIC_TEXT=1, and says it is not encryption', () =>
    withHome(async (home) => {
      const safe = fakeSafeStorage('basic_text');
      const { store, reason } = await openDesktopSecretStore(safe, 'linux', home, { WATCHFLOOR_ACCEPT_BASIC_TEXT: '1' });
      expect(store.kind).toBe('safeStorage (basic_text)');
      expect(reason).toMatch(/accepted.*not encrypted/);
      await store.set('env:a:redis', 'pw');
      expect(safe.encryptStringAsync).toHaveBeenCalledWith('pw');
    }));

  it('falls back to the key file when safeStorage cannot encrypt, and asks no Linux backend elsewhere', () =>
    withHome(async (home) => {
      const missing = await openDesktopSecretStore(fakeSafeStorage('unknown', false), 'linux', home, {});
      expect(missing.store.kind).toBe('file (0600 key file)');
      expect(missing.reason).toMatch(/not available/);
      const mac = fakeSafeStorage('basic_text');
      const onMac = await openDesktopSecretStore(mac, 'darwin', home, {});
      expect(onMac.store.kind).toBe('safeStorage (os)');
      expect(mac.getSelectedStorageBackend).not.toHaveBeenCalled();
    }));
});
