import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCycles, importGraph, sourceFiles } from '../helpers/import-graph';

// Issue 16's "no import cycle", kept: every module of the product can be read without the one importing it.
describe('import cycles', () => {
  it('finds a cycle, type-only imports included', () => {
    const files = { '/x/a.ts': "import type { B } from './b';", '/x/b.ts': "export { c } from './c';", '/x/c.ts': "const a = await import('./a');", '/x/d.ts': "import { a } from './a';" };
    const read = (f: string) => files[f as keyof typeof files];
    const graph = importGraph(Object.keys(files), read, (f) => f in files);
    expect(graph.get('/x/a.ts')).toEqual(['/x/b.ts']);
    expect(importCycles(graph)).toEqual([['/x/a.ts', '/x/b.ts', '/x/c.ts']]);
    expect(importCycles(new Map([['/x/d.ts', ['/x/a.ts']], ['/x/a.ts', []]]))).toEqual([]);
  });

  it('reads the real import forms of this tree', () => {
    const file = path.resolve('electron/core/app-core.ts');
    const edges = importGraph([file]).get(file)!;
    expect(edges).toContain(path.resolve('electron/core/environments/environment-service.ts'));
    expect(edges).toContain(path.resolve('shared/contract/methods.ts'));
  });

  it('the product has none', () => {
    const files = ['electron', 'shared', 'renderer/src'].flatMap((dir) => sourceFiles(path.resolve(dir)));
    expect(files.length).toBeGreaterThan(200);
    const cycles = importCycles(importGraph(files)).map((cycle) => cycle.map((f) => path.relative(process.cwd(), f)));
    expect(cycles).toEqual([]);
  });
});
