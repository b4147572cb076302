import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The layer rules of ARCHITECTURE.md are lint rules; this proves each one bites.
const eslint = new ESLint({ cwd: process.cwd() });

async function importErrors(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layer rules', () => {
  it('electron/core may not import electron', async () => {
    expect(await importErrors("import { app } from 'electron';\nexport const a = app;\n", 'electron/core/bad.ts')).toHaveLength(1);
  });

  it('shared/ may not import Node built-ins or runtime libraries', async () => {
    expect(await importErrors("import fs from 'node:fs';\nexport const a = fs;\n", 'shared/bad.ts')).toHaveLength(1);
    expect(await importErrors("import { Redis } from 'ioredis';\nexport const a = Redis;\n", 'shared/bad.ts')).toHaveLength(1);
  });

  it('the renderer may not import Node, brokers or main-process code', async () => {
    expect(await importErrors("import fs from 'node:fs';\nexport const a = fs;\n", 'renderer/src/bad.ts')).toHaveLength(1);
    expect(await importErrors("import { AppCore } from '../../electron/core/app-core';\nexport const a = AppCore;\n", 'renderer/src/bad.ts')).toHaveLength(1);
    expect(await importErrors("import amqp from 'amqplib';\nexport const a = amqp;\n", 'renderer/src/bad.ts')).toHaveLength(1);
  });

  it('allowed imports pass', async () => {
    expect(await importErrors("import { z } from 'zod';\nexport const a = z;\n", 'shared/ok.ts')).toHaveLength(0);
    expect(await importErrors("import { app } from 'electron';\nexport const a = app;\n", 'electron/main/ok.ts')).toHaveLength(0);
  });
});
