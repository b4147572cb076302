import type { ConnectionFailure, FailureKind } from '../../../shared/model/connection';
import type { Redactor } from '../redaction';

const TLS_CODES = /^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|HOSTNAME_MISMATCH|EPROTO)/;

/** The TLS failure in the words of someone reading a certificate. */
function tlsReason(code: string, raw: string): string {
  if (code === 'CERT_HAS_EXPIRED' || /expired/i.test(raw)) return 'the server certificate has expired';
  if (code === 'CERT_NOT_YET_VALID') return 'the server certificate is not valid yet';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID' || /altnames|hostname\/IP does not match|Hostname\/IP/i.test(raw)) return 'wrong host: the server certificate is for another name';
  if (/^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT)$/.test(code)) return 'unknown CA: the server certificate is not signed by a CA trusted for this environment';
  if (/wrong version number|packet length too long|EPROTO/i.test(`${code} ${raw}`)) return 'TLS handshake failed (is this port TLS, and the URL rediss:// / amqps:// only when it is?)';
  if (code === 'ERR_TLS_FILE' || /cannot read the/.test(raw)) return 'a TLS file could not be read';
  return 'TLS failure';
}

/** Names a broker connection failure the way an operator would say it, with a redacted message. */
export function classifyFailure(error: unknown, redactor?: Redactor, target?: string): ConnectionFailure {
  const err = error as { code?: unknown; message?: unknown } | undefined;
  const code = typeof err?.code === 'string' ? err.code : '';
  const raw = typeof err?.message === 'string' && err.message ? err.message : String(error);
  const where = target ?? 'the server';
  let kind: FailureKind = 'unknown';
  // The message carries the detail only: the UI and the CLI already name the kind.
  let message = raw;
  if (/WRONGPASS|NOAUTH|invalid password|invalid username-password|ACCESS[-_]REFUSED|authentication (failed|required)|NOPERM|\b401\b|Unauthorized/i.test(raw)) {
    kind = 'auth';
    const amqpReason = /with message "(?:ACCESS_REFUSED - )?([^"]+)"/.exec(raw)?.[1];
    message = `${where} rejected the credentials: ${amqpReason ?? raw}`;
  } else if (code === 'ECONNREFUSED') {
    kind = 'refused';
    message = `nothing accepts connections at ${where}; is the broker running?`;
  } else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    kind = 'dns';
    message = `cannot resolve the host of ${where} (${code})`;
  } else if (TLS_CODES.test(code) || /certificate|\bTLS\b|\bSSL\b|wrong version number/i.test(raw)) {
    kind = 'tls';
    message = `${where}: ${tlsReason(code, raw)} (${code ? `${code}: ` : ''}${raw})`;
  } else if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT' || code === 'ABORT_ERR' || /timed? ?out|timeout/i.test(raw) || (error as Error)?.name === 'TimeoutError') {
    kind = 'timeout';
    message = `no answer from ${where} within the deadline`;
  } else if (code === 'ECONNRESET' || code === 'EPIPE' || /Connection is closed|socket hang up|closed/i.test(raw)) {
    kind = 'refused';
    message = `${where} closed the connection (${raw})`;
  } else if (/Handshake terminated|protocol|Expected AMQP|Unexpected/i.test(raw)) {
    kind = 'protocol';
    message = `${where}: ${raw}`;
  }
  return { kind, message: redactor ? redactor.redact(message) : message };
}
