import pg from 'pg';
import type { ConnectionFailure } from '../../../shared/model/connection';
import { classifyFailure } from '../brokers/connection-failure';
import type { PostgresSettings } from '../environments/resolved-environment';
import type { Redactor } from '../redaction';

/** "host:port/database" of a database, for messages (never the password). */
export function postgresTarget(settings: PostgresSettings): string {
  const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  return `${host}:${settings.port}/${settings.database}`;
}

/** The `pg` client configuration of a database: TLS always verified, a connect deadline, a name in pg_stat_activity. */
export function pgClientConfig(settings: PostgresSettings, options: { connectTimeoutMs?: number; applicationName?: string } = {}): pg.ClientConfig {
  return {
    host: settings.host,
    port: settings.port,
    database: settings.database,
    user: settings.user,
    password: settings.password,
    ssl: settings.tls ? { ...(settings.tlsSettings?.options ?? {}), rejectUnauthorized: true } : false,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    application_name: options.applicationName ?? 'watchfloor',
  };
}

/** A connected client; a client that fails to connect is closed and its error thrown. */
export async function connectPg(settings: PostgresSettings, options: { connectTimeoutMs?: number; applicationName?: string } = {}): Promise<pg.Client> {
  if (settings.tlsSettings?.error) throw Object.assign(new Error(settings.tlsSettings.error), { code: 'ERR_TLS_FILE' });
  const client = new pg.Client(pgClientConfig(settings, options));
  // A dropped connection after connect emits 'error'; whoever holds the client sees it on the next query.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
}

/** PostgreSQL SQLSTATE of an error, or ''. */
export function sqlState(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : '';
}

/**
 * Whether an error is about reaching the database (down, restarting, refusing connections,
 * network) rather than about the statement: then the work waits and is tried again, spending no
 * retries. SQLSTATE classes 08 (connection), 53 (resources), 57P (shutdown / cannot connect now).
 */
export function isConnectionError(error: unknown): boolean {
  const state = sqlState(error);
  if (state) return /^(08|53|57P)/.test(state);
  const err = error as { code?: unknown; message?: unknown } | undefined;
  const code = typeof err?.code === 'string' ? err.code : '';
  if (/^(ECONN|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH)/.test(code)) return true;
  return /Connection terminated|connection timeout|timeout expired|Query read timeout|Client has encountered a connection error|not queryable|Client was closed|Cannot use a pool after calling end/i.test(String(err?.message ?? ''));
}

/**
 * Names a database connection failure like the brokers' ones: wrong password or user (auth), the
 * database missing (not-found), refused, TLS, timeout; the message redacted.
 */
export function classifyPgFailure(error: unknown, settings: PostgresSettings, redactor?: Redactor): ConnectionFailure {
  const where = postgresTarget(settings);
  const state = sqlState(error);
  const raw = (error as Error | undefined)?.message ?? String(error);
  const say = (kind: ConnectionFailure['kind'], message: string): ConnectionFailure => ({ kind, message: redactor ? redactor.redact(message) : message });
  if (state === '28P01' || state === '28000') return say('auth', `${where} rejected the credentials of user "${settings.user}": ${raw}`);
  if (state === '3D000') return say('not-found', `${where}: database "${settings.database}" does not exist (create it, or fix the URL's path)`);
  if (state === '57P03') return say('refused', `${where} is starting up or shutting down: ${raw}`);
  if (state === '53300') return say('refused', `${where} has no free connection slot: ${raw}`);
  if (/does not support SSL|SSL off|no pg_hba\.conf entry .* (no encryption|SSL)/i.test(raw)) return say('tls', `${where}: ${raw}`);
  if (/timeout expired|connection timeout/i.test(raw)) return say('timeout', `no answer from ${where} within the deadline`);
  if (/Connection terminated unexpectedly/i.test(raw)) return say('refused', `${where} closed the connection (${raw})`);
  return classifyFailure(error, redactor, where);
}

/** Human words for the state of a database an operation found unreachable (for processor errors). */
export function describePgError(error: unknown, settings: PostgresSettings, redactor?: Redactor): string {
  const failure = classifyPgFailure(error, settings, redactor);
  return failure.kind === 'unknown' ? failure.message : `PostgreSQL ${failure.kind}: ${failure.message}`;
}
