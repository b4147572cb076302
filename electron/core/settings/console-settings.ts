import { userInfo } from 'node:os';
import path from 'node:path';
import { ConsoleSettings } from '../../../shared/model/audit';
import { writeFileAtomic } from '../environments/atomic-file';
import { readJsonFile } from '../environments/json-file';

/** The OS user running this console. */
export function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** This console's settings (`settings.json` in the config home): the analyst name actions are recorded with. */
export class ConsoleSettingsStore {
  private settings: ConsoleSettings = { analystName: '' };
  private readonly file: string;

  constructor(home: string) {
    this.file = path.join(home, 'settings.json');
  }

  async init(): Promise<void> {
    const parsed = ConsoleSettings.safeParse(await readJsonFile(this.file, {}));
    this.settings = parsed.success ? parsed.data : { analystName: '' };
    const fromEnv = process.env.WATCHFLOOR_ANALYST?.trim();
    if (fromEnv && !this.settings.analystName) this.settings = { ...this.settings, analystName: fromEnv };
  }

  get(): ConsoleSettings {
    return { ...this.settings };
  }

  async update(input: Partial<ConsoleSettings>): Promise<ConsoleSettings> {
    this.settings = ConsoleSettings.parse({ ...this.settings, ...input, analystName: (input.analystName ?? this.settings.analystName).trim() });
    await writeFileAtomic(this.file, JSON.stringify(this.settings, null, 2));
    return this.get();
  }

  /** "Ana Lopez (ana)" — or the OS user alone when no name is set. */
  who(): string {
    const user = osUser();
    return this.settings.analystName ? `${this.settings.analystName} (${user})` : user;
  }
}
