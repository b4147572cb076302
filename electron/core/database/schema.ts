import { createHash } from 'node:crypto';
import type pg from 'pg';
import { MIGRATIONS, type Migration } from './migrations';

/** The table recording which schema versions were applied. */
export const MIGRATIONS_TABLE = 'watchfloor_migrations';

/** Every console and worker migrating the same database takes this transaction-scoped advisory lock first. */
const MIGRATION_LOCK = 0x77_66_6d_67; // "wfmg"

/**
 * How the tables are stored: plain PostgreSQL tables with time indexes; TimescaleDB hypertables
 * (migration 8 found the extension); or TimescaleDB installed after the schema was made, tables plain.
 */
export interface StorageMode {
  mode: 'postgresql' | 'timescaledb' | 'timescaledb-unused';
  /** Version of the installed timescaledb extension, or null. */
  timescaleVersion: string | null;
  /** Tables that are hypertables with the retention policy's age ("30 days"), when TimescaleDB is in use. */
  hypertables: { table: string; dropAfter: string | null }[];
  /** One line for the view and the CLI. */
  description: string;
}

export interface SchemaState {
  /** The schema version after the run. */
  version: number;
  /** Versions this run applied (empty when the schema was already current). */
  applied: number[];
  storage: StorageMode;
}

/** A database whose schema this build cannot use: newer than it knows, or a migration changed after it was applied. Nothing was changed. */
export class SchemaRefusedError extends Error {
  readonly code = 'SCHEMA_REFUSED';
}

export function checksum(migration: Migration): string {
  return createHash('sha256').update(migration.sql).digest('hex').slice(0, 16);
}

/** The hypertables of this database and their retention policies' ages; empty without the extension. */
export async function readHypertables(client: Pick<pg.ClientBase, 'query'>, installed: boolean): Promise<StorageMode['hypertables']> {
  if (!installed) return [];
  const { rows } = await client.query<{ table: string; drop_after: string | null }>(
    `SELECT h.hypertable_name AS table,
            (SELECT j.config->>'drop_after' FROM timescaledb_information.jobs j
              WHERE j.proc_name = 'policy_retention' AND j.hypertable_schema = h.hypertable_schema AND j.hypertable_name = h.hypertable_name LIMIT 1) AS drop_after
       FROM timescaledb_information.hypertables h
      WHERE h.hypertable_schema = current_schema()
      ORDER BY 1`,
  );
  return rows.map((r) => ({ table: r.table, dropAfter: r.drop_after }));
}

/** One line saying which of the two storages is in use and who keeps the retention. */
export function describeStorage(installed: string | null, available: string | null, hypertables: StorageMode['hypertables']): StorageMode {
  if (installed && hypertables.length) {
    const kept = hypertables.map((h) => `${h.table}${h.dropAfter ? ` (drop after ${h.dropAfter})` : ' (no retention policy)'}`).join(', ');
    return { mode: 'timescaledb', timescaleVersion: installed, hypertables, description: `TimescaleDB ${installed}: hypertables with retention policies: ${kept}; the other tables plain, kept by the console's retention job` };
  }
  if (installed) {
    return { mode: 'timescaledb-unused', timescaleVersion: installed, hypertables, description: `TimescaleDB ${installed} installed, but the tables are plain (the schema was made before the extension was installed): time indexes, kept by the console's retention job` };
  }
  return {
    mode: 'postgresql',
    timescaleVersion: null,
    hypertables,
    description: available ? `plain PostgreSQL tables with time indexes (timescaledb ${available} is available on the server but not installed in this database)` : 'plain PostgreSQL tables with time indexes (no timescaledb extension on this server)',
  };
}

/** Whether the timescaledb extension is installed in this database (or only available on the server), and which tables are hypertables. */
export async function detectStorage(client: pg.Client): Promise<StorageMode> {
  const { rows } = await client.query<{ installed: string | null; available: string | null }>(
    "SELECT (SELECT extversion FROM pg_extension WHERE extname = 'timescaledb') AS installed, (SELECT default_version FROM pg_available_extensions WHERE name = 'timescaledb') AS available",
  );
  const installed = rows[0]?.installed ?? null;
  return describeStorage(installed, rows[0]?.available ?? null, await readHypertables(client, installed !== null));
}

/**
 * Brings the database to the newest schema this build knows: each missing migration in its own
 * transaction with its row in `watchfloor_migrations`, under an advisory lock so consoles starting
 * together apply each once. A database at a newer version than the code knows, or whose applied
 * migration differs from the code's, is refused with a SchemaRefusedError and left untouched.
 */
export async function migrate(client: pg.Client, migrations: readonly Migration[] = MIGRATIONS): Promise<SchemaState> {
  const applied: number[] = [];
  const known = migrations.length ? migrations[migrations.length - 1]!.version : 0;
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migrations must be numbered 1, 2, 3… without gaps (found ${m.version} at position ${i + 1})`);
  });
  for (;;) {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await client.query(`CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
      const { rows } = await client.query<{ version: number; name: string; checksum: string }>(`SELECT version, name, checksum FROM ${MIGRATIONS_TABLE} ORDER BY version`);
      const current = rows.length ? rows[rows.length - 1]!.version : 0;
      if (current > known) {
        throw new SchemaRefusedError(
          `the database is at schema version ${current} (${rows[rows.length - 1]!.name}), newer than this Watchfloor knows (${known}): upgrade Watchfloor to use it; nothing was changed`,
        );
      }
      for (const row of rows) {
        const mine = migrations[row.version - 1];
        if (mine && row.checksum !== checksum(mine)) {
          throw new SchemaRefusedError(`schema version ${row.version} in the database (${row.name}) differs from this Watchfloor's migration ${row.version} (${mine.name}): the database was migrated by another build; nothing was changed`);
        }
      }
      const next = migrations[current];
      if (!next) {
        await client.query('COMMIT');
        return { version: current, applied, storage: await detectStorage(client) };
      }
      await client.query(next.sql);
      await client.query(`INSERT INTO ${MIGRATIONS_TABLE} (version, name, checksum) VALUES ($1, $2, $3)`, [next.version, next.name, checksum(next)]);
      await client.query('COMMIT');
      applied.push(next.version);
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      if (error instanceof SchemaRefusedError) throw error;
      const state = (error as { code?: unknown }).code;
      throw Object.assign(new Error(`migrating the database failed: ${(error as Error).message}`, { cause: error }), typeof state === 'string' ? { code: state } : {});
    }
  }
}
