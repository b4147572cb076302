import type { SafeStorage } from 'electron';
import path from 'node:path';
import { readJsonFile } from '../core/environments/json-file';
import { writeFileAtomic } from '../core/environments/atomic-file';
import { FileSecretStore } from '../core/environments/file-secret-store';
import { acceptsBasicText, chooseSecretStore } from '../core/environments/secret-store-choice';
import type { SecretStore } from '../core/ports';

type AsyncSafeStorage = Pick<SafeStorage, 'encryptStringAsync' | 'decryptStringAsync'>;

/** The desktop secret store: values sealed by the OS keychain through safeStorage's async API. */
export class SafeStorageSecretStore implements SecretStore {
  readonly kind: string;
  private readonly file: string;

  constructor(
    private readonly safeStorage: AsyncSafeStorage,
    home: string,
    backend: string,
  ) {
    this.kind = `safeStorage (${backend})`;
    this.file = path.join(home, 'secrets.safe.json');
  }

  async get(key: string): Promise<string | undefined> {
    const sealed = (await this.readAll())[key];
    if (sealed === undefined) return undefined;
    const { result, shouldReEncrypt } = await this.safeStorage.decryptStringAsync(Buffer.from(sealed, 'base64'));
    // The keychain rotated its key: seal the value again so it stays readable.
    if (shouldReEncrypt) await this.set(key, result);
    return result;
  }

  async set(key: string, value: string): Promise<void> {
    const sealed = (await this.safeStorage.encryptStringAsync(value)).toString('base64');
    const all = await this.readAll();
    all[key] = sealed;
    await writeFileAtomic(this.file, JSON.stringify(all, null, 2), 0o600);
  }

  async delete(key: string): Promise<void> {
    const all = await this.readAll();
    if (!(key in all)) return;
    delete all[key];
    await writeFileAtomic(this.file, JSON.stringify(all, null, 2), 0o600);
  }

  private readAll(): Promise<Record<string, string>> {
    return readJsonFile<Record<string, string>>(this.file, {});
  }
}

/** Glue: probes safeStorage (async API), lets the core's rule choose, and opens that store with the reason. */
export async function openDesktopSecretStore(
  safeStorage: AsyncSafeStorage & Pick<SafeStorage, 'isAsyncEncryptionAvailable' | 'getSelectedStorageBackend'>,
  platform: NodeJS.Platform,
  home: string,
  env: NodeJS.ProcessEnv,
): Promise<{ store: SecretStore; reason: string }> {
  const isAvailable = await safeStorage.isAsyncEncryptionAvailable();
  const backend = platform === 'linux' ? safeStorage.getSelectedStorageBackend() : 'os';
  const choice = chooseSecretStore({ platform, backend, isAvailable }, acceptsBasicText(env));
  return { store: choice.use === 'safeStorage' ? new SafeStorageSecretStore(safeStorage, home, choice.backend) : new FileSecretStore(home), reason: choice.reason };
}
