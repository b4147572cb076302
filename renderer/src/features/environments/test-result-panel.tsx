import type { BrokerTestResult } from '../../../../shared/model/connection';
import { describeTestResult } from '../../components/format';
import { StatusChip } from '../../components/status-chip';
import type { ConnectionTestState } from './use-connection-test';

const BROKERS = [
  { key: 'redis', label: 'Redis' },
  { key: 'amqp', label: 'RabbitMQ' },
  { key: 'management', label: 'Management API' },
  { key: 'postgres', label: 'PostgreSQL' },
] as const;

/** Per broker: OK with latency and version, or the failure kind and message. */
export function TestResultPanel({ state }: { state: ConnectionTestState }) {
  if (state.phase === 'idle') return null;
  return (
    <div className="test-result" data-testid="test-result" aria-live="polite">
      <h4 className="test-result-title">Connection test</h4>
      {state.phase === 'running' ? <p className="muted">Testing…</p> : null}
      {state.phase === 'failed' ? (
        <p className="bad" data-testid="test-error">
          {state.error.code === 'VALIDATION' ? 'The test could not run: fix the fields first.' : `The test could not run: ${state.error.message}`}
        </p>
      ) : null}
      {state.phase === 'done' ? (
        <dl className="test-result-list">
          {BROKERS.map(({ key, label }) => (
            <BrokerLine key={key} label={label} testId={`test-result-${key}`} result={state.result[key]} />
          ))}
        </dl>
      ) : null}
    </div>
  );
}

function BrokerLine({ label, testId, result }: { label: string; testId: string; result: BrokerTestResult }) {
  const line = describeTestResult(result);
  return (
    <div className="test-result-line" data-testid={testId} data-ok={result.configured ? String(result.ok) : 'not-configured'}>
      <dt>{label}</dt>
      <dd>
        <StatusChip tone={line.tone} text={line.text} />
      </dd>
    </div>
  );
}
