import { startLeakCheck } from './leak-check';

/** vitest globalSetup of the integration project: the whole-run leak check around every file it runs. */
export default async function setup(): Promise<() => Promise<void>> {
  const finish = await startLeakCheck('integration');
  return async () => {
    // vitest only logs an error thrown here; the exit code is how the run fails.
    if ((await finish()).status === 'leaked') process.exitCode = 1;
  };
}
