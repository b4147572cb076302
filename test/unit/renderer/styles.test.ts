import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const css = readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../renderer/src/styles.css'), 'utf8');

describe('renderer stylesheet', () => {
  it('has balanced braces and no rule nested in another (an unclosed rule silently scopes everything after it)', () => {
    const text = css.replace(/\/\*[\s\S]*?\*\//g, '');
    let depth = 0;
    const stack: string[] = [];
    let selector = '';
    for (const char of text) {
      if (char === '{') {
        const opener = selector.trim();
        // Only at-rules (@media, @keyframes…) may hold rules.
        if (depth > 0) expect(stack[stack.length - 1], `"${opener}" is nested in "${stack[stack.length - 1]}"`).toMatch(/^@/);
        stack.push(opener);
        depth++;
        selector = '';
      } else if (char === '}') {
        depth--;
        stack.pop();
        expect(depth).toBeGreaterThanOrEqual(0);
        selector = '';
      } else if (char === ';') {
        selector = '';
      } else {
        selector += char;
      }
    }
    expect(depth).toBe(0);
  });
});
