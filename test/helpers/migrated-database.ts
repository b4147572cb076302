import { afterAll, beforeAll } from 'vitest';
import { createMigratedDatabase, type TestDatabase } from './postgres';

/**
 * A test file's own database at the newest schema: made before its tests (beforeAll), dropped
 * after them (afterAll, also when one failed). Read `.db` inside a test or hook, not at load time.
 */
export function useMigratedDatabase(): { readonly db: TestDatabase } {
  let db: TestDatabase | undefined;
  beforeAll(async () => {
    db = await createMigratedDatabase();
  }, 60_000);
  afterAll(async () => {
    await db?.drop();
  });
  return {
    get db(): TestDatabase {
      if (!db) throw new Error('the test database is made in beforeAll: read it inside a test');
      return db;
    },
  };
}
