import { describe, expect, it } from 'vitest';
import { classifyFailure } from '../../electron/core/brokers/connection-failure';
import { Redactor, createJsonLogger } from '../../electron/core/redaction';

describe('Redactor', () => {
  it('removes every remembered secret, plain and URL-encoded, and URL passwords', () => {
    const redactor = new Redactor();
    redactor.remember('hunter2');
    redactor.remember('p@ss/word');
    expect(redactor.redact('auth hunter2 failed for amqp://u:p%40ss%2Fword@h and p@ss/word')).toBe('auth *** failed for amqp://u:***@h and ***');
  });

  it('keeps secrets out of log lines', () => {
    const redactor = new Redactor();
    redactor.remember('topsecret');
    const lines: string[] = [];
    const logger = createJsonLogger(redactor, (line) => lines.push(line));
    logger.error('connect failed with topsecret', { url: 'redis://x:topsecret@h' });
    expect(lines.join('')).not.toContain('topsecret');
  });
});

describe('classifyFailure', () => {
  it.each([
    [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1' }, 'refused'],
    [{ message: 'WRONGPASS invalid username-password pair or user is disabled.' }, 'auth'],
    [{ message: 'Handshake terminated by server: 403 (ACCESS-REFUSED) with message "ACCESS_REFUSED - Login was refused"' }, 'auth'],
    [{ code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND nowhere.invalid' }, 'dns'],
    [{ code: 'ETIMEDOUT', message: 'connect ETIMEDOUT' }, 'timeout'],
    [{ code: 'DEPTH_ZERO_SELF_SIGNED_CERT', message: 'self-signed certificate' }, 'tls'],
    [{ code: 'CERT_HAS_EXPIRED', message: 'certificate has expired' }, 'tls'],
    [{ code: 'ERR_TLS_CERT_ALTNAME_INVALID', message: "Hostname/IP does not match certificate's altnames" }, 'tls'],
  ])('%j is %s', (error, kind) => {
    expect(classifyFailure(error).kind).toBe(kind);
  });

  it('redacts the message', () => {
    const redactor = new Redactor();
    redactor.remember('sekrit');
    expect(classifyFailure({ message: 'WRONGPASS for sekrit' }, redactor).message).not.toContain('sekrit');
  });
});
