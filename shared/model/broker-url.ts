/**
 * Broker URL parsing without any runtime's URL class, so `shared/` stays runtime-free and the
 * renderer, the host and the CLI validate the same way.
 */
export interface ParsedBrokerUrl {
  scheme: string;
  username: string;
  password: string;
  host: string;
  port: number | null;
  /** Path without the leading slash: the Redis db number or the AMQP vhost (decoded). */
  path: string;
  /** The query string without '?', kept verbatim. */
  query: string;
}

const URL_PATTERN = /^([a-z][a-z0-9+.-]*):\/\/(?:([^:@/?#]*)(?::([^@/?#]*))?@)?(\[[0-9a-fA-F:.]+\]|[^:/?#@\s]+)(?::(\d{1,5}))?(?:\/([^?#]*))?(?:\?([^#]*))?$/;

/** Parses `url` if its scheme is one of `schemes`; otherwise returns a message saying what is wrong. */
export function parseBrokerUrl(url: string, schemes: readonly string[]): ParsedBrokerUrl | { error: string } {
  const trimmed = url.trim();
  if (trimmed === '') return { error: 'URL is empty' };
  const schemeMatch = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(trimmed);
  if (!schemeMatch) return { error: `"${redactUrl(trimmed)}" is not a URL (expected ${schemes.map((s) => `${s}://`).join(' or ')})` };
  const scheme = schemeMatch[1]!.toLowerCase();
  if (!schemes.includes(scheme)) {
    return { error: `unknown scheme "${scheme}:" (expected ${schemes.map((s) => `${s}://`).join(' or ')})` };
  }
  const match = URL_PATTERN.exec(scheme + trimmed.slice(scheme.length));
  if (!match) return { error: `"${redactUrl(trimmed)}" is not a valid ${scheme}:// URL (expected ${scheme}://[user[:password]@]host[:port][/path])` };
  const port = match[5] === undefined ? null : Number(match[5]);
  if (port !== null && (port < 1 || port > 65535)) return { error: `port ${port} is out of range (1-65535)` };
  try {
    return {
      scheme,
      username: decodeURIComponent(match[2] ?? ''),
      password: decodeURIComponent(match[3] ?? ''),
      host: match[4]!,
      port,
      path: decodeURIComponent(match[6] ?? ''),
      query: match[7] ?? '',
    };
  } catch {
    return { error: 'URL has an invalid percent-encoding' };
  }
}

/** Builds a URL back from its parts; the password is left out unless given. */
export function formatBrokerUrl(parts: ParsedBrokerUrl, password?: string): string {
  const user = parts.username ? encodeURIComponent(parts.username) : '';
  const pass = password ? `:${encodeURIComponent(password)}` : '';
  const auth = user || pass ? `${user}${pass}@` : '';
  const port = parts.port === null ? '' : `:${parts.port}`;
  const path = parts.path ? `/${encodeURIComponent(parts.path)}` : '';
  const query = parts.query ? `?${parts.query}` : '';
  return `${parts.scheme}://${auth}${parts.host}${port}${path}${query}`;
}

/** Replaces the password part of every `scheme://user:password@` in `text` with `***`. */
export function redactUrl(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:@/\s]*:)([^@/\s]+)@/gi, '$1***@');
}
