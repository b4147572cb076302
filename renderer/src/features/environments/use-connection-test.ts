import { useCallback, useRef, useState } from 'react';
import type { CallError } from '../../../../shared/contract';
import type { ConnectionTestResult } from '../../../../shared/model/connection';
import type { EnvironmentInput } from '../../../../shared/model/environment';
import { testEnvironment } from '../../actions/environment-actions';
import { useServices } from '../../services';

/** Where a test result is shown: under the form, or under a saved environment's row. */
export type TestTarget = 'form' | { envId: string };

export type ConnectionTestState =
  | { phase: 'idle' }
  | { phase: 'running'; target: TestTarget }
  | { phase: 'done'; target: TestTarget; result: ConnectionTestResult }
  | { phase: 'failed'; target: TestTarget; error: CallError };

/**
 * One connection test at a time on the Environments screen, so there is only ever one result
 * panel (and one set of its test ids) on screen. A newer test supersedes an older answer.
 */
export function useConnectionTest() {
  const services = useServices();
  const [state, setState] = useState<ConnectionTestState>({ phase: 'idle' });
  const latest = useRef(0);
  const run = useCallback(
    async (target: TestTarget, params: { id?: string; input?: EnvironmentInput }) => {
      const ticket = ++latest.current;
      setState({ phase: 'running', target });
      const result = await testEnvironment(services, params);
      if (ticket !== latest.current) return;
      setState(result.ok ? { phase: 'done', target, result: result.value } : { phase: 'failed', target, error: result.error });
    },
    [services],
  );
  const clear = useCallback(() => {
    latest.current++;
    setState({ phase: 'idle' });
  }, []);
  return { state, run, clear };
}

/** True when `state` belongs to `target`. */
export function isTestFor(state: ConnectionTestState, target: TestTarget): boolean {
  if (state.phase === 'idle') return false;
  if (target === 'form' || state.target === 'form') return target === state.target;
  return state.target.envId === target.envId;
}
