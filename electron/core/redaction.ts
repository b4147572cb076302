import { redactUrl } from '../../shared/model/broker-url';
import type { Logger } from './ports';

/**
 * Knows every secret the process holds and scrubs them from any text leaving the core: log
 * lines, error messages, CLI output.
 */
export class Redactor {
  private readonly secrets = new Set<string>();

  /** Registers a secret value; values shorter than 3 characters are also registered (they are passwords too). */
  remember(secret: string | undefined): void {
    if (secret) this.secrets.add(secret);
  }

  forget(secret: string | undefined): void {
    if (secret) this.secrets.delete(secret);
  }

  /** Returns `text` with URL passwords and every known secret replaced by `***`. */
  redact(text: string): string {
    let out = redactUrl(text);
    // Longest first, so a secret containing another is replaced whole.
    const ordered = [...this.secrets].sort((a, b) => b.length - a.length);
    for (const secret of ordered) out = out.split(secret).join('***');
    for (const secret of ordered) {
      const encoded = encodeURIComponent(secret);
      if (encoded !== secret) out = out.split(encoded).join('***');
    }
    return out;
  }
}

/** A logger writing JSON lines to a stream, redacting every message and string field. */
export function createJsonLogger(redactor: Redactor, write: (line: string) => void): Logger {
  const emit = (level: string, message: string, fields?: Record<string, unknown>) => {
    const record: Record<string, unknown> = { t: new Date().toISOString(), level, msg: message, ...fields };
    write(redactor.redact(JSON.stringify(record)) + '\n');
  };
  return {
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}
