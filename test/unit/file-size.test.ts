import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceFiles } from '../helpers/import-graph';

/** Issue 16's rule, kept: a source file over this many lines says on its first line why it is one file. */
const MAX_LINES = 400;
const REASON = /^\/\/ Over 400 lines on purpose: \S.{20,}/;

/** The product files over the limit whose first line gives no reason (pure, for the test below). */
function oversizedWithoutReason(files: readonly { file: string; text: string }[]): string[] {
  return files.filter(({ text }) => text.split('\n').length > MAX_LINES && !REASON.test(text.split('\n', 1)[0] ?? '')).map(({ file }) => file);
}

describe('file size', () => {
  it('flags a long file without a reason and passes one with it', () => {
    const long = 'x\n'.repeat(MAX_LINES + 1);
    expect(oversizedWithoutReason([{ file: 'a.ts', text: long }, { file: 'b.ts', text: `// Over 400 lines on purpose: one state machine shared by every method.\n${long}` }, { file: 'c.ts', text: 'x\n' }])).toEqual(['a.ts']);
  });

  it('no product file is over 400 lines without a reason at its top', () => {
    const files = ['electron', 'shared', 'renderer/src'].flatMap((dir) => sourceFiles(path.resolve(dir))).map((file) => ({ file: path.relative(process.cwd(), file), text: readFileSync(file, 'utf8') }));
    expect(files.length).toBeGreaterThan(200);
    expect(oversizedWithoutReason(files)).toEqual([]);
  });
});
