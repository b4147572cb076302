import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * TimescaleDB cannot be installed on this machine (Debian has no package, nothing outside the
 * package registries is reachable). To test the path the console takes when the extension is
 * present (migration 8, the storage line, retention left to policies), this makes a private
 * PostgreSQL tree — the machine's binaries hard-linked (copied if that fails) beside a share
 * directory with an extra `timescaledb` extension — so a PostgreSQL started from it (OwnPostgres)
 * can `CREATE EXTENSION timescaledb`. The system's PostgreSQL is not touched.
 *
 * The stand-in is NOT TimescaleDB: it implements only the surface Watchfloor uses —
 * `create_hypertable` (old signature), `add_retention_policy`, and the views
 * `timescaledb_information.hypertables` / `.jobs` — records calls in its own catalog, and refuses
 * what TimescaleDB refuses there: a unique index without the time column, a transition-table
 * trigger, a non-empty table without migrate_data, a second create_hypertable, a policy on a
 * plain table. It makes no chunks and drops nothing.
 */
export const TIMESCALE_STUB_VERSION = '2.17.2-stub';

const STUB_SQL = String.raw`
CREATE SCHEMA _timescaledb_stub;
CREATE TABLE _timescaledb_stub.hypertable (relid regclass PRIMARY KEY, time_column name NOT NULL, chunk_interval interval);
CREATE TABLE _timescaledb_stub.job (job_id serial PRIMARY KEY, proc_name name NOT NULL, relid regclass NOT NULL REFERENCES _timescaledb_stub.hypertable, config jsonb NOT NULL);

CREATE SCHEMA timescaledb_information;
CREATE VIEW timescaledb_information.hypertables AS
  SELECT n.nspname AS hypertable_schema, c.relname AS hypertable_name
  FROM _timescaledb_stub.hypertable h JOIN pg_class c ON c.oid = h.relid JOIN pg_namespace n ON n.oid = c.relnamespace;
CREATE VIEW timescaledb_information.jobs AS
  SELECT j.job_id, j.proc_name, n.nspname AS hypertable_schema, c.relname AS hypertable_name, j.config
  FROM _timescaledb_stub.job j JOIN pg_class c ON c.oid = j.relid JOIN pg_namespace n ON n.oid = c.relnamespace;

CREATE FUNCTION create_hypertable(relation regclass, time_column_name name, partitioning_column name DEFAULT NULL,
  number_partitions integer DEFAULT NULL, associated_schema_name name DEFAULT NULL, associated_table_prefix name DEFAULT NULL,
  chunk_time_interval interval DEFAULT NULL, create_default_indexes boolean DEFAULT true, if_not_exists boolean DEFAULT false,
  partitioning_func regproc DEFAULT NULL, migrate_data boolean DEFAULT false)
RETURNS TABLE (hypertable_id integer, schema_name name, table_name name, created boolean) LANGUAGE plpgsql AS $fn$
DECLARE
  nonempty boolean;
BEGIN
  IF EXISTS (SELECT 1 FROM _timescaledb_stub.hypertable h WHERE h.relid = relation) THEN
    IF if_not_exists THEN
      RETURN QUERY SELECT 0, n.nspname, c.relname, false FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = relation;
      RETURN;
    END IF;
    RAISE EXCEPTION 'table "%" is already a hypertable', relation USING ERRCODE = 'TS110';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = relation AND i.indisunique
             AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = relation AND a.attname = time_column_name AND a.attnum = ANY (i.indkey))) THEN
    RAISE EXCEPTION 'cannot create a unique index without the column "%" (used in partitioning)', time_column_name USING ERRCODE = 'TS103';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = relation AND (t.tgnewtable IS NOT NULL OR t.tgoldtable IS NOT NULL)) THEN
    RAISE EXCEPTION 'hypertables do not support transition tables in triggers' USING ERRCODE = '0A000';
  END IF;
  EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s)', relation) INTO nonempty;
  IF nonempty AND NOT migrate_data THEN
    RAISE EXCEPTION 'table "%" is not empty', relation USING ERRCODE = 'TS102', HINT = 'You can migrate data by specifying migrate_data => true when calling this function.';
  END IF;
  EXECUTE format('ALTER TABLE %s ALTER COLUMN %I SET NOT NULL', relation, time_column_name);
  INSERT INTO _timescaledb_stub.hypertable VALUES (relation, time_column_name, coalesce(chunk_time_interval, interval '7 days'));
  RETURN QUERY SELECT 1, n.nspname, c.relname, true FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = relation;
END
$fn$;

CREATE FUNCTION add_retention_policy(relation regclass, drop_after interval, if_not_exists boolean DEFAULT false,
  schedule_interval interval DEFAULT NULL, initial_start timestamptz DEFAULT NULL, timezone text DEFAULT NULL)
RETURNS integer LANGUAGE plpgsql AS $fn$
DECLARE
  existing integer;
  made integer;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM _timescaledb_stub.hypertable h WHERE h.relid = relation) THEN
    RAISE EXCEPTION 'table "%" is not a hypertable', relation USING ERRCODE = 'TS001';
  END IF;
  SELECT job_id INTO existing FROM _timescaledb_stub.job WHERE relid = relation AND proc_name = 'policy_retention';
  IF existing IS NOT NULL THEN
    IF if_not_exists THEN RETURN -1; END IF;
    RAISE EXCEPTION 'retention policy already exists for hypertable "%"', relation USING ERRCODE = 'TS010';
  END IF;
  INSERT INTO _timescaledb_stub.job (proc_name, relid, config)
  VALUES ('policy_retention', relation, jsonb_build_object('drop_after', drop_after::text, 'hypertable_id', 1))
  RETURNING job_id INTO made;
  RETURN made;
END
$fn$;
`;

/** A private PostgreSQL tree whose share directory has the stand-in `timescaledb` extension; `pgBin` for OwnPostgres.start. */
export function timescaleStubTree(systemBin = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin'): { pgBin: string; cleanup(): void } {
  const sharedir = spawnSync(path.join(systemBin, 'pg_config'), ['--sharedir'], { encoding: 'utf8' }).stdout.trim() || '/usr/share/postgresql/15';
  const pkgRoot = path.dirname(systemBin); // /usr/lib/postgresql/15
  const root = mkdtempSync(path.join(os.tmpdir(), 'wf-tsdb-'));
  chmodSync(root, 0o755); // the postgres user reads it when the tests run as root
  // PostgreSQL finds its share and lib directories relative to its own binary: the same layout under root.
  const myPkg = path.join(root, pkgRoot);
  const myShare = path.join(root, sharedir);
  for (const [from, to] of [
    [pkgRoot, myPkg],
    [sharedir, myShare],
  ] as const) {
    mkdirSync(path.dirname(to), { recursive: true, mode: 0o755 });
    const linked = spawnSync('cp', ['-al', from, to]);
    if (linked.status !== 0) {
      rmSync(to, { recursive: true, force: true });
      const copied = spawnSync('cp', ['-a', from, to], { encoding: 'utf8' });
      if (copied.status !== 0) throw new Error(`copying ${from}: ${copied.stderr}`);
    }
  }
  const ext = path.join(myShare, 'extension');
  // New names only (never written through a hard link to a system file).
  for (const name of ['timescaledb.control', `timescaledb--${TIMESCALE_STUB_VERSION}.sql`]) rmSync(path.join(ext, name), { force: true });
  writeFileSync(path.join(ext, 'timescaledb.control'), `comment = 'Watchfloor test stand-in for TimescaleDB (not TimescaleDB)'\ndefault_version = '${TIMESCALE_STUB_VERSION}'\nrelocatable = false\nschema = public\nsuperuser = true\n`);
  writeFileSync(path.join(ext, `timescaledb--${TIMESCALE_STUB_VERSION}.sql`), STUB_SQL);
  return { pgBin: path.join(myPkg, path.relative(pkgRoot, systemBin)), cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
