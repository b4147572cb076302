import { startLeakCheck } from './leak-check';

/** Playwright globalSetup: the whole-run leak check around the end-to-end tests (the returned function is the teardown). */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const finish = await startLeakCheck('e2e');
  return async () => {
    const verdict = await finish();
    if (verdict.status === 'leaked') throw new Error(`${verdict.leaked.length} thing(s) left on the brokers by the end-to-end tests (listed above)`);
  };
}
