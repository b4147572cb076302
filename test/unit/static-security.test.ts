import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../electron/core/security-policy';

/** Source patterns that weaken the app: unsafe window options, disabled certificate checks. */
export const UNSAFE_PATTERNS: readonly { pattern: RegExp; why: string }[] = [
  { pattern: /nodeIntegration(InWorker|InSubFrames)?\s*:\s*true/, why: 'Node in a renderer' },
  { pattern: /contextIsolation\s*:\s*false/, why: 'no context isolation' },
  { pattern: /sandbox\s*:\s*false/, why: 'renderer sandbox off' },
  { pattern: /webSecurity\s*:\s*false/, why: 'same-origin policy off' },
  { pattern: /allowRunningInsecureContent\s*:\s*true/, why: 'mixed content allowed' },
  { pattern: /webviewTag\s*:\s*true/, why: '<webview> enabled' },
  { pattern: /enableRemoteModule/, why: 'remote module' },
  { pattern: /rejectUnauthorized\s*:\s*false/, why: 'TLS certificates not verified' },
  { pattern: /NODE_TLS_REJECT_UNAUTHORIZED/, why: 'TLS verification switched off process-wide' },
  { pattern: /dangerouslySetInnerHTML|\.innerHTML\s*=|insertAdjacentHTML|document\.write\(/, why: 'payloads rendered as HTML' },
  { pattern: /(?<![.\w])eval\(|new Function\(/, why: 'code from strings' },
];

/** What is wrong with a CSP: script sources that allow inline or evaluated code, missing defaults. */
export function cspProblems(csp: string): string[] {
  const directives = new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map((d) => [d[0]!, d.slice(1)]),
  );
  const problems: string[] = [];
  const scripts = directives.get('script-src') ?? directives.get('default-src');
  if (!scripts) problems.push('no script-src or default-src');
  for (const bad of ["'unsafe-inline'", "'unsafe-eval'", '*', 'data:', "'unsafe-hashes'"]) if (scripts?.includes(bad)) problems.push(`script-src allows ${bad}`);
  if (!directives.has('object-src') || !directives.get('object-src')!.includes("'none'")) problems.push("object-src is not 'none'");
  return problems;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx|mjs|cjs|js|html)$/.test(name) ? [full] : [];
  });
}

describe('static security check', () => {
  it('finds no unsafe window option, disabled TLS check or HTML injection in the shipped code', () => {
    const findings = ['electron', 'renderer', 'shared'].flatMap((dir) =>
      sourceFiles(dir).flatMap((file) => {
        const text = readFileSync(file, 'utf8');
        return UNSAFE_PATTERNS.filter(({ pattern }) => pattern.test(text)).map(({ why }) => `${file}: ${why}`);
      }),
    );
    expect(findings).toEqual([]);
  });

  it("the CSP of the app (header and page) allows no inline or evaluated script", () => {
    expect(cspProblems(CONTENT_SECURITY_POLICY)).toEqual([]);
    const meta = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(readFileSync('renderer/index.html', 'utf8'))?.[1];
    expect(meta).toBeDefined();
    expect(cspProblems(meta!)).toEqual([]);
  });

  it('the checks themselves catch what they are for', () => {
    expect(cspProblems("default-src 'self'; script-src 'self' 'unsafe-inline'; object-src 'none'")).toEqual(["script-src allows 'unsafe-inline'"]);
    expect(cspProblems("default-src 'self' 'unsafe-eval'")).toEqual(["script-src allows 'unsafe-eval'", "object-src is not 'none'"]);
    const sample = 'new BrowserWindow({ webPreferences: { contextIsolation: false, sandbox: false } }); tls.connect({ rejectUnauthorized: false })';
    expect(UNSAFE_PATTERNS.filter(({ pattern }) => pattern.test(sample)).map((p) => p.why)).toEqual(['no context isolation', 'renderer sandbox off', 'TLS certificates not verified']);
  });
});
