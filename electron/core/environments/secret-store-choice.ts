/** The environment variable by which a user accepts Linux's `basic_text` safeStorage backend. */
export const ACCEPT_BASIC_TEXT_VARIABLE = 'WATCHFLOOR_ACCEPT_BASIC_TEXT';

/** What the desktop learnt of the OS keychain through Electron's safeStorage. */
export interface KeychainProbe {
  platform: NodeJS.Platform;
  /** Linux: the selected backend (`gnome_libsecret`, `kwallet…`, `basic_text`, `unknown`); elsewhere `os`. */
  backend: string;
  /** `safeStorage.isAsyncEncryptionAvailable()`. */
  isAvailable: boolean;
}

/** Which secret store the desktop uses, and why (reported by `app.info` and logged at start). */
export type SecretStoreChoice = { use: 'safeStorage'; backend: string; reason: string } | { use: 'file'; reason: string };

/** Whether the user explicitly accepted `basic_text` (`WATCHFLOOR_ACCEPT_BASIC_TEXT=1`). */
export function acceptsBasicText(env: NodeJS.ProcessEnv): boolean {
  return env[ACCEPT_BASIC_TEXT_VARIABLE] === '1';
}

/**
 * The desktop's secret store: the OS keychain through safeStorage when it encrypts; on Linux,
 * `basic_text` (a key hard-coded in Chromium: obfuscation, not encryption) only when the user
 * accepted it, else the 0600 key file the headless CLI uses too.
 */
export function chooseSecretStore(probe: KeychainProbe, isBasicTextAccepted: boolean): SecretStoreChoice {
  if (!probe.isAvailable) return { use: 'file', reason: 'the OS keychain (safeStorage) is not available: passwords are sealed with the 0600 key file' };
  if (probe.platform === 'linux' && probe.backend === 'basic_text') {
    if (!isBasicTextAccepted) {
      return {
        use: 'file',
        reason: `safeStorage's basic_text backend (no keychain; a fixed key, not encryption) refused: passwords are sealed with the 0600 key file. Set ${ACCEPT_BASIC_TEXT_VARIABLE}=1 to accept basic_text`,
      };
    }
    return { use: 'safeStorage', backend: probe.backend, reason: `basic_text accepted by ${ACCEPT_BASIC_TEXT_VARIABLE}=1: passwords are obfuscated, not encrypted` };
  }
  return { use: 'safeStorage', backend: probe.backend, reason: `passwords are sealed by the OS keychain (${probe.backend})` };
}
