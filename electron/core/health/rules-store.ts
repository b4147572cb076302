import path from 'node:path';
import { DEFAULT_HEALTH_RULES, HealthRuleList, type HealthRule } from '../../../shared/model/health-rules';
import { writeFileAtomic } from '../environments/atomic-file';
import { readJsonFile } from '../environments/json-file';

const FILE_NAME = 'health-rules.json';
const FORMAT_VERSION = 1;

interface RulesFile {
  version: number;
  /** envId → its rules; an environment not listed uses the seed defaults. */
  environments: Record<string, HealthRule[]>;
}

/**
 * The queue-health rules of every environment, in their own file of the config home. Kept apart
 * from the environment profiles because editing a profile restarts that environment's runtime.
 */
export class RulesStore {
  readonly file: string;
  private byEnv = new Map<string, HealthRule[]>();
  private writing: Promise<void> = Promise.resolve();

  constructor(home: string) {
    this.file = path.join(home, FILE_NAME);
  }

  /** Reads the file; entries that do not validate are dropped (their environment gets the defaults) and reported. */
  async load(): Promise<string[]> {
    const parsed = await readJsonFile<Partial<RulesFile>>(this.file, { version: FORMAT_VERSION, environments: {} });
    const problems: string[] = [];
    this.byEnv = new Map();
    for (const [envId, rules] of Object.entries(parsed.environments ?? {})) {
      const checked = HealthRuleList.safeParse(rules);
      if (checked.success) this.byEnv.set(envId, checked.data);
      else problems.push(`${envId}: ${checked.error.issues[0]?.message ?? 'invalid rules'}`);
    }
    return problems;
  }

  /** The rules of an environment (copies; the seed defaults when none were saved). */
  get(envId: string): HealthRule[] {
    return (this.byEnv.get(envId) ?? DEFAULT_HEALTH_RULES).map((rule) => ({ ...rule }));
  }

  isDefault(envId: string): boolean {
    return !this.byEnv.has(envId);
  }

  async set(envId: string, rules: HealthRule[]): Promise<void> {
    this.byEnv.set(envId, HealthRuleList.parse(rules));
    await this.save();
  }

  /** Back to the seed defaults. */
  async reset(envId: string): Promise<void> {
    this.byEnv.delete(envId);
    await this.save();
  }

  private save(): Promise<void> {
    const body: RulesFile = { version: FORMAT_VERSION, environments: Object.fromEntries(this.byEnv) };
    // Serialized, so a slow write cannot land after a newer one.
    this.writing = this.writing.catch(() => undefined).then(() => writeFileAtomic(this.file, JSON.stringify(body, null, 2) + '\n', 0o600));
    return this.writing;
  }
}
