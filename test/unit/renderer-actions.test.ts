import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { METHOD_NAMES, policyOf } from '../../shared/contract/methods';
import { sourceFiles } from '../helpers/import-graph';

/**
 * Issue 16's rule, kept: every state-changing call of the renderer goes through an action module
 * (renderer/src/actions/). A state-changing method is one the contract does not declare `read`.
 */
const WRITES = new Set<string>(METHOD_NAMES.filter((m) => policyOf(m).access !== 'read'));
const ALLOWED_DIRS = ['renderer/src/actions/', 'renderer/src/api/'];

/** The write methods a source text passes to a `.call(` (the method argument may be a conditional). */
function writeCalls(text: string): string[] {
  const found: string[] = [];
  for (const call of text.matchAll(/\.call\(([^,)]*)[,)]/g)) {
    for (const literal of call[1]!.matchAll(/['"`]([a-z]+\.[A-Za-z]+)['"`]/g)) if (WRITES.has(literal[1]!)) found.push(literal[1]!);
  }
  return found;
}

describe('renderer actions', () => {
  it('finds write calls, conditional method arguments included, and not reads', () => {
    expect(writeCalls("await client.call('alerts.act', { id });\nclient.call(x ? 'bullmq.pause' : 'bullmq.resume', p);\nclient.call('alerts.list', {});")).toEqual(['alerts.act', 'bullmq.pause', 'bullmq.resume']);
    expect(WRITES.has('dlq.replay')).toBe(true);
    expect(WRITES.has('dlq.list')).toBe(false);
  });

  it('no component, store or hook issues a state-changing call itself', () => {
    const files = sourceFiles(path.resolve('renderer/src')).map((file) => path.relative(process.cwd(), file));
    expect(files.length).toBeGreaterThan(50);
    const outside = files
      .filter((file) => !ALLOWED_DIRS.some((dir) => file.startsWith(dir)))
      .flatMap((file) => writeCalls(readFileSync(file, 'utf8')).map((method) => `${file}: ${method}`));
    expect(outside).toEqual([]);
  });
});
