import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CodedError } from '../../../shared/contract/errors';
import { writeFileAtomic } from './atomic-file';
import type { EnvironmentProfile } from './profile';

const FILE_NAME = 'environments.json';
const FORMAT_VERSION = 1;

interface ProfileFile {
  version: number;
  environments: EnvironmentProfile[];
}

/** Reads and writes the environment profiles file in the config home, atomically. */
export class ProfileStore {
  readonly file: string;

  constructor(home: string) {
    this.file = path.join(home, FILE_NAME);
  }

  /** The stored profiles, or `undefined` when there is no file yet (first start). */
  async load(): Promise<EnvironmentProfile[] | undefined> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    let parsed: ProfileFile;
    try {
      parsed = JSON.parse(text) as ProfileFile;
    } catch {
      throw new CodedError('INTERNAL', `${this.file} is not valid JSON; fix or remove it (nothing was overwritten)`);
    }
    if (!parsed || !Array.isArray(parsed.environments)) {
      throw new CodedError('INTERNAL', `${this.file} has no "environments" list; fix or remove it (nothing was overwritten)`);
    }
    return parsed.environments;
  }

  async save(environments: EnvironmentProfile[]): Promise<void> {
    const body: ProfileFile = { version: FORMAT_VERSION, environments };
    await writeFileAtomic(this.file, JSON.stringify(body, null, 2) + '\n', 0o600);
  }
}
