import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { SecretStore } from '../ports';
import { readJsonFile } from './json-file';
import { writeFileAtomic } from './atomic-file';

const KEY_FILE = 'secret.key';
const DATA_FILE = 'secrets.json';

interface SealedValue {
  iv: string;
  tag: string;
  data: string;
}

/**
 * The headless secret store: a random 256-bit key in a 0600 file, and the secrets sealed with
 * AES-256-GCM in another 0600 file, so a copied profile folder without the key reveals nothing.
 */
export class FileSecretStore implements SecretStore {
  readonly kind = 'file (0600 key file)';
  private readonly keyFile: string;
  private readonly dataFile: string;
  private key: Buffer | undefined;
  /** Serializes writes so two quick `set` calls cannot lose one another. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(home: string) {
    this.keyFile = path.join(home, KEY_FILE);
    this.dataFile = path.join(home, DATA_FILE);
  }

  async get(name: string): Promise<string | undefined> {
    const sealed = (await this.readAll())[name];
    if (!sealed) return undefined;
    const key = await this.loadKey();
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    decipher.setAAD(Buffer.from(name));
    return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8');
  }

  set(name: string, value: string): Promise<void> {
    return this.serialize(async () => {
      const key = await this.loadKey();
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(name));
      const data = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
      const all = await this.readAll();
      all[name] = { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
      await writeFileAtomic(this.dataFile, JSON.stringify(all, null, 2), 0o600);
    });
  }

  delete(name: string): Promise<void> {
    return this.serialize(async () => {
      const all = await this.readAll();
      if (!(name in all)) return;
      delete all[name];
      await writeFileAtomic(this.dataFile, JSON.stringify(all, null, 2), 0o600);
    });
  }

  private serialize(work: () => Promise<void>): Promise<void> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private readAll(): Promise<Record<string, SealedValue>> {
    return readJsonFile<Record<string, SealedValue>>(this.dataFile, {});
  }

  private async loadKey(): Promise<Buffer> {
    if (this.key) return this.key;
    try {
      const key = await fs.readFile(this.keyFile);
      if (key.length !== 32) throw new Error(`${this.keyFile} is not a 32-byte key`);
      this.key = key;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      const key = randomBytes(32);
      await fs.mkdir(path.dirname(this.keyFile), { recursive: true, mode: 0o700 });
      // 'wx' so two processes starting at once cannot each write a different key.
      try {
        await fs.writeFile(this.keyFile, key, { mode: 0o600, flag: 'wx' });
        this.key = key;
      } catch (writeError) {
        if ((writeError as NodeJS.ErrnoException).code !== 'EEXIST') throw writeError;
        this.key = await fs.readFile(this.keyFile);
      }
    }
    return this.key!;
  }
}
