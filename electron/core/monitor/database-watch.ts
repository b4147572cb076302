import type { BrokerStatus, ConnectionFailure } from '../../../shared/model/connection';
import type { DatabaseInfo } from '../../../shared/model/overview';
import type { Clock } from '../ports';

/** What one check of the database found. */
export interface DatabaseProbe {
  /** The applied schema version, or null when the migrations table does not exist yet. */
  version: number | null;
  storage: DatabaseInfo['storage'] & string;
}

/** How often the database is checked: it is not on the 1 s tick, a failure shows within this. */
export const DATABASE_CHECK_MS = 5000;

/** The header's line for a schema state; null when the schema is current. */
export function schemaNote(version: number | null, known: number): string | null {
  if (version === null) return 'no schema yet: the database sinks create it when they first run (watchfloor work --env NAME --only event-store)';
  if (version > known) return `schema v${version} is newer than this console knows (v${known}): the sinks refuse to write; update Watchfloor`;
  if (version < known) return `schema v${version}: the sinks bring it to v${known} when they next start`;
  return null;
}

/**
 * Keeps the state of an environment's database for the overview: one cheap query every few
 * seconds (reachability, schema version, storage mode), its failure named like a broker's. The
 * fleet row and the environment header show it; nothing else waits on it.
 */
export class DatabaseWatch {
  private status: BrokerStatus;
  private probed: DatabaseProbe | null = null;
  private checkedAt: number | null = null;
  private inFlight = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly probe: () => Promise<DatabaseProbe>,
    private readonly classify: (error: unknown) => ConnectionFailure,
    private readonly clock: Clock,
    private readonly knownVersion: number,
    private readonly everyMs = DATABASE_CHECK_MS,
  ) {
    this.status = { state: 'connecting', since: clock.now() };
  }

  start(): void {
    void this.check();
    this.timer = setInterval(() => void this.check(), this.everyMs);
    this.timer.unref?.();
  }

  stop(): void {
    clearInterval(this.timer);
    this.listeners.clear();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** One check now (a check still running is not doubled). */
  async check(): Promise<void> {
    if (this.inFlight) return;
    this.inFlight = true;
    const before = this.stateText();
    try {
      this.probed = await this.probe();
      this.checkedAt = this.clock.now();
      if (this.status.state !== 'connected') this.status = { state: 'connected', since: this.checkedAt };
    } catch (error) {
      const failure = this.classify(error);
      const same = this.status.state === 'disconnected' && this.status.failure?.message === failure.message;
      if (!same) this.status = { state: 'disconnected', since: this.clock.now(), failure };
    } finally {
      this.inFlight = false;
    }
    if (this.stateText() !== before) for (const listener of this.listeners) listener();
  }

  /** The state without the time of the last answer: what a push is for. */
  private stateText(): string {
    const { checkedAt: _checkedAt, ...state } = this.snapshot();
    return JSON.stringify(state);
  }

  snapshot(): DatabaseInfo {
    return {
      status: this.status,
      schemaVersion: this.probed?.version ?? null,
      knownVersion: this.knownVersion,
      storage: this.probed?.storage ?? null,
      note: this.probed ? schemaNote(this.probed.version, this.knownVersion) : null,
      checkedAt: this.checkedAt,
    };
  }
}
