import type { SafeStorage } from 'electron';
import path from 'node:path';
import { readJsonFile } from '../core/environments/json-file';
import { writeFileAtomic } from '../core/environments/atomic-file';
import type { SecretStore } from '../core/ports';

/** The desktop secret store: values sealed by the OS keychain through Electron's safeStorage. */
export class SafeStorageSecretStore implements SecretStore {
  readonly kind: string;
  private readonly file: string;

  constructor(
    private readonly safeStorage: Pick<SafeStorage, 'encryptString' | 'decryptString'>,
    home: string,
    backend: string,
  ) {
    this.kind = `safeStorage (${backend})`;
    this.file = path.join(home, 'secrets.safe.json');
  }

  async get(key: string): Promise<string | undefined> {
    const sealed = (await this.readAll())[key];
    return sealed === undefined ? undefined : this.safeStorage.decryptString(Buffer.from(sealed, 'base64'));
  }

  async set(key: string, value: string): Promise<void> {
    const all = await this.readAll();
    all[key] = this.safeStorage.encryptString(value).toString('base64');
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
