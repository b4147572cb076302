/** Ports: what the core needs from its host, injected so tests and hosts can supply their own. */

/** Wall clock, injectable so time-based logic is testable. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Structured logger; every implementation must pass messages through the redactor. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * Where passwords live, apart from the profiles: Electron safeStorage on the desktop, a 0600 key
 * file headless. Keys are opaque strings such as `env:<id>:redis`.
 */
export interface SecretStore {
  /** A short name for diagnostics, e.g. "file (0600 key)" or "safeStorage (gnome_libsecret)". */
  readonly kind: string;
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}
