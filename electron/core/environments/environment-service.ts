import { randomBytes } from 'node:crypto';
import { CodedError } from '../../../shared/contract/errors';
import { nextColour, type EnvironmentInputParsed, type EnvironmentView } from '../../../shared/model/environment';
import { DEFAULT_MASKING } from '../../../shared/model/masking';
import type { SecretStore } from '../ports';
import type { Redactor } from '../redaction';
import { LOCAL_AMQP_PASSWORD, LOCAL_PROFILE, isReadOnly, secretKey, type EnvironmentProfile, type SecretSlot } from './profile';
import type { ProfileStore } from './profile-store';
import { resolveEnvironment, type ResolvedEnvironment } from './resolved-environment';
import { parsePreviousKeys } from '../payload-crypto';
import { combineRoles, type EffectiveRole, type RoleCap } from './credential-role';
import { TunnelManager } from '../tunnel/tunnel-routing';
import { normalizeInput, SLOTS, type PasswordChange } from './environment-input';

export { normalizeInput } from './environment-input';

/** " (what narrowed it)" when the credentials allow less than the profile's role, else "". */
function narrowedBy(effective: EffectiveRole): string {
  if (effective.role === effective.profileRole) return '';
  const why = effective.reasons.slice(1).filter((r) => r.includes(`allows ${effective.role}`) || r.includes('no permissions'));
  return ` (${why.join('; ') || 'the credentials allow no more'})`;
}

/** The ids of stored previous keys (validated when saved; an unreadable list shows none). */
function previousKeyIds(text: string | undefined): string[] {
  if (!text) return [];
  try {
    return parsePreviousKeys(text).map((k) => k.id);
  } catch {
    return [];
  }
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'env';
}

/**
 * The environments of this installation: profiles in the config home, passwords in the secret
 * store. Shared by desktop and CLI through the same files.
 */
export class EnvironmentService {
  private profiles: EnvironmentProfile[] = [];
  private readonly listeners = new Set<() => void>();
  /** Timed write mode of read-only environments: env id → until (epoch ms). Never persisted. */
  private readonly writeMode = new Map<string, { until: number; timer: NodeJS.Timeout }>();
  /** What each environment's credentials allow (read from the brokers when its runtime connects). Never persisted. */
  private readonly credentialCaps = new Map<string, RoleCap[]>();
  now: () => number = Date.now;
  /** One SSH tunnel per environment with an SSH hop; {@link resolve} routes its connections through it. */
  readonly tunnels: TunnelManager;

  constructor(
    private readonly store: ProfileStore,
    private readonly secrets: SecretStore,
    private readonly redactor: Redactor,
    tunnelOptions: { knownHostsFile?: string | null } = {},
  ) {
    this.tunnels = new TunnelManager({ redactor, ...tunnelOptions });
  }

  /** Closes the SSH tunnels. */
  async close(): Promise<void> {
    await this.tunnels.closeAll();
  }

  /** Loads the profiles; on first start creates **Local**. */
  async init(): Promise<void> {
    const loaded = await this.store.load();
    if (loaded === undefined) {
      this.profiles = [structuredClone(LOCAL_PROFILE)];
      await this.secrets.set(secretKey(LOCAL_PROFILE.id, 'amqp'), LOCAL_AMQP_PASSWORD);
      await this.store.save(this.profiles);
    } else {
      this.profiles = loaded;
    }
    for (const profile of this.profiles) {
      for (const slot of SLOTS) this.redactor.remember(await this.secrets.get(secretKey(profile.id, slot)));
    }
  }

  /** Calls `listener` after every change; returns an unsubscribe. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(): EnvironmentProfile[] {
    return this.profiles.map((p) => structuredClone(p));
  }

  get(id: string): EnvironmentProfile {
    const profile = this.profiles.find((p) => p.id === id);
    if (!profile) throw new CodedError('NOT_FOUND', `no environment with id "${id}"`);
    return structuredClone(profile);
  }

  /** Finds by id or by name (case-insensitive), as the CLI's `--env NAME` does. */
  find(idOrName: string): EnvironmentProfile {
    const wanted = idOrName.toLowerCase();
    const profile = this.profiles.find((p) => p.id === idOrName) ?? this.profiles.find((p) => p.name.toLowerCase() === wanted);
    if (!profile) {
      const known = this.profiles.map((p) => p.name).join(', ') || 'none';
      throw new CodedError('NOT_FOUND', `no environment named "${idOrName}" (known: ${known})`);
    }
    return structuredClone(profile);
  }

  async views(): Promise<EnvironmentView[]> {
    return Promise.all(this.profiles.map((p) => this.view(p)));
  }

  async view(profile: EnvironmentProfile): Promise<EnvironmentView> {
    const has = async (slot: SecretSlot) => (await this.secrets.get(secretKey(profile.id, slot))) !== undefined;
    const effective = this.effectiveRoleOf(profile);
    return {
      id: profile.id,
      name: profile.name,
      colour: profile.colour,
      production: profile.production,
      // A viewer may change nothing either: every write button shows it disabled with the reason.
      readOnly: this.isReadOnlyNow(profile) || effective.role === 'viewer',
      opensReadOnly: isReadOnly(profile),
      writableUntil: this.writableUntil(profile.id),
      role: profile.role ?? 'admin',
      effectiveRole: effective.role,
      roleReasons: effective.reasons,
      namespace: profile.namespace,
      redis: profile.redis ? { ...profile.redis, hasPassword: await has('redis') } : null,
      amqp: profile.amqp ? { url: profile.amqp.url, hasPassword: await has('amqp'), ...(profile.amqp.tlsFiles ? { tlsFiles: profile.amqp.tlsFiles } : {}) } : null,
      managementUrl: profile.managementUrl,
      ...(profile.managementTlsFiles ? { managementTlsFiles: profile.managementTlsFiles } : {}),
      hasPayloadKey: await has('payloadKey'),
      payloadKeyId: profile.payloadKeyId ?? null,
      masking: profile.masking ?? DEFAULT_MASKING,
      previousPayloadKeyIds: previousKeyIds(await this.secrets.get(secretKey(profile.id, 'previousPayloadKeys'))),
      ...(profile.postgres ? { postgres: { url: profile.postgres.url, hasPassword: await has('postgres'), ...(profile.postgres.tlsFiles ? { tlsFiles: profile.postgres.tlsFiles } : {}) } } : {}),
      ...(profile.ssh ? { ssh: { ...structuredClone(profile.ssh), hasPassphrase: await has('sshPassphrase'), hasPassword: await has('sshPassword') } } : {}),
    };
  }

  async add(input: EnvironmentInputParsed): Promise<EnvironmentView> {
    const normalized = normalizeInput({ ...input, colour: input.colour ?? nextColour(this.profiles.map((p) => p.colour)) });
    this.assertUniqueName(normalized.profile.name);
    let id = slug(normalized.profile.name);
    if (this.profiles.some((p) => p.id === id)) id = `${id}-${randomBytes(3).toString('hex')}`;
    const profile: EnvironmentProfile = { id, ...normalized.profile };
    await this.applyPasswords(id, normalized.passwords);
    this.profiles.push(profile);
    await this.persist();
    return this.view(profile);
  }

  async update(id: string, input: EnvironmentInputParsed): Promise<EnvironmentView> {
    const before = this.get(id);
    const normalized = normalizeInput({ ...input, colour: input.colour ?? before.colour });
    this.assertUniqueName(normalized.profile.name, id);
    // A form or CLI edit that says nothing of masking keeps what the profile had.
    const profile: EnvironmentProfile = { id, ...normalized.profile, ...(input.masking === undefined && before.masking ? { masking: before.masking } : {}) };
    await this.applyPasswords(id, normalized.passwords);
    this.profiles = this.profiles.map((p) => (p.id === id ? profile : p));
    await this.persist();
    return this.view(profile);
  }

  async remove(id: string): Promise<void> {
    this.get(id);
    this.credentialCaps.delete(id);
    this.profiles = this.profiles.filter((p) => p.id !== id);
    await this.persist();
    await this.tunnels.close(id);
    for (const slot of SLOTS) await this.secrets.delete(secretKey(id, slot));
  }

  /** Until when write mode is on for `id`, or null. */
  writableUntil(id: string): number | null {
    const mode = this.writeMode.get(id);
    return mode && mode.until > this.now() ? mode.until : null;
  }

  /** Whether writes are refused now: the profile opens read-only and write mode is off or expired. */
  isReadOnlyNow(profile: EnvironmentProfile): boolean {
    return isReadOnly(profile) && this.writableUntil(profile.id) === null;
  }

  /**
   * Switches a read-only environment to write mode for `minutes` (0 switches it back at once).
   * It ends by itself; every console view is told when it starts and ends. Viewers cannot.
   */
  setWriteMode(id: string, minutes: number): number | null {
    const profile = this.get(id);
    const effective = this.effectiveRoleOf(profile);
    if (effective.role === 'viewer') throw new CodedError('UNAUTHORIZED', `your role on ${profile.name} is viewer${narrowedBy(effective)}: write mode needs operator or admin`);
    clearTimeout(this.writeMode.get(id)?.timer);
    this.writeMode.delete(id);
    if (minutes > 0 && isReadOnly(profile)) {
      const until = this.now() + minutes * 60_000;
      const timer = setTimeout(() => {
        this.writeMode.delete(id);
        this.notify();
      }, minutes * 60_000);
      timer.unref?.();
      this.writeMode.set(id, { until, timer });
    }
    this.notify();
    return this.writableUntil(id);
  }

  /**
   * Refuses an action the role does not allow (UNAUTHORIZED) or, on a read-only environment not in
   * write mode, any write (READ_ONLY). `level`: `operate` (acknowledge, replay, claim, pause,
   * publish…) or `administer` (purge, drain, clean, delete a consumer, change a policy).
   */
  assertAllowed(id: string, action: string, level: 'operate' | 'administer' = 'operate'): void {
    const profile = this.get(id);
    const effective = this.effectiveRoleOf(profile);
    const { role } = effective;
    if (role === 'viewer' || (level === 'administer' && role !== 'admin')) {
      throw new CodedError('UNAUTHORIZED', `your role on ${profile.name} is ${role}${narrowedBy(effective)}: "${action}" needs ${level === 'administer' ? 'admin' : 'operator or admin'}`);
    }
    if (this.isReadOnlyNow(profile)) {
      throw new CodedError('READ_ONLY', `${profile.name} is read-only: "${action}" was refused. Switch it to write mode (it ends by itself) or edit the environment.`);
    }
  }

  /**
   * The role this console has on `id`: the profile's role, narrowed to what the credentials allow
   * (Redis ACL, RabbitMQ permissions) once they were read; with the reasons.
   */
  effectiveRole(id: string): EffectiveRole {
    return this.effectiveRoleOf(this.get(id));
  }

  /** Records what the credentials of `id` allow (read by the runtime from the brokers). */
  setCredentialCaps(id: string, caps: RoleCap[]): void {
    if (!this.profiles.some((p) => p.id === id)) return;
    this.credentialCaps.set(id, caps);
    this.notify();
  }

  private effectiveRoleOf(profile: EnvironmentProfile): EffectiveRole {
    return combineRoles(profile.role ?? 'admin', this.credentialCaps.get(profile.id) ?? []);
  }

  /**
   * Connection settings of a stored environment; with an SSH hop, pointed at its tunnel's loopback
   * forwarders (the tunnel opens at the first connection).
   */
  async resolve(id: string): Promise<ResolvedEnvironment> {
    return this.tunnels.route(id, await this.resolveDirect(id));
  }

  /** Connection settings of a stored environment as configured (not routed through its tunnel). */
  async resolveDirect(id: string): Promise<ResolvedEnvironment> {
    const profile = this.get(id);
    const passwords: Partial<Record<SecretSlot, string>> = {};
    for (const slot of SLOTS) {
      const value = await this.secrets.get(secretKey(id, slot));
      if (value !== undefined) passwords[slot] = value;
    }
    return resolveEnvironment(profile, passwords);
  }

  /**
   * Connection settings of a form not yet saved; with `baseId`, passwords the form leaves
   * untouched come from that stored environment (editing without retyping them).
   */
  async resolveDraft(input: EnvironmentInputParsed, baseId?: string): Promise<ResolvedEnvironment> {
    const normalized = normalizeInput(input);
    const passwords: Partial<Record<SecretSlot, string>> = {};
    for (const slot of SLOTS) {
      const change = normalized.passwords[slot];
      if (change.kind === 'set') {
        passwords[slot] = change.value;
        this.redactor.remember(change.value);
      } else if (change.kind === 'keep' && baseId) {
        const stored = await this.secrets.get(secretKey(baseId, slot));
        if (stored !== undefined) passwords[slot] = stored;
      }
    }
    return resolveEnvironment({ id: baseId ?? 'draft', ...normalized.profile }, passwords);
  }

  private assertUniqueName(name: string, exceptId?: string): void {
    const clash = this.profiles.find((p) => p.id !== exceptId && p.name.toLowerCase() === name.toLowerCase());
    if (clash) throw new CodedError('CONFLICT', `an environment named "${clash.name}" already exists`);
  }

  private async applyPasswords(id: string, passwords: Record<SecretSlot, PasswordChange>): Promise<void> {
    for (const slot of SLOTS) {
      const change = passwords[slot];
      if (change.kind === 'set') {
        this.redactor.remember(change.value);
        await this.secrets.set(secretKey(id, slot), change.value);
      } else if (change.kind === 'clear') {
        await this.secrets.delete(secretKey(id, slot));
      }
    }
  }

  private async persist(): Promise<void> {
    await this.store.save(this.profiles);
    this.notify();
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}
