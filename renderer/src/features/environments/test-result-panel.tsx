import type { BrokerTestResult } from '../../../../shared/model/connection';
import { describeTestResult } from '../../components/format';
import { StatusChip } from '../../components/status-chip';
import type { ConnectionTestState } from './use-connection-test';

const BROKERS = [
  { key: 'ssh', label: 'SSH bastion' },
  { key: 'redis', label: 'Redis' },
  { key: 'amqp', label: 'RabbitMQ' },
  { key: 'management', label: 'Management API' },
  { key: 'postgres', label: 'PostgreSQL' },
] as const;

/** Per broker: OK with latency and version, or the failure kind and message. */
export function TestResultPanel({ state, onTrustHostKey }: { state: ConnectionTestState; onTrustHostKey?: (hop: 'bastion' | 'jump', fingerprint: string) => void }) {
  if (state.phase === 'idle') return null;
  const unknownKey = state.phase === 'done' && state.result.ssh?.failure?.kind === 'ssh-host-key-unknown' ? state.result.ssh.failure : null;
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
          {BROKERS.map(({ key, label }) => {
            const result = state.result[key];
            // No SSH hop: no line for it.
            if (!result || (key === 'ssh' && !result.configured)) return null;
            return <BrokerLine key={key} label={label} testId={`test-result-${key}`} result={result} />;
          })}
        </dl>
      ) : null}
      {unknownKey?.fingerprint && onTrustHostKey ? (
        <p data-testid="test-ssh-trust">
          <button type="button" className="button" data-testid="test-ssh-trust-button" onClick={() => onTrustHostKey(unknownKey.sshHop ?? 'bastion', unknownKey.fingerprint!)}>
            Trust {unknownKey.sshHop === 'jump' ? 'the jump host' : 'the bastion'}&apos;s key {unknownKey.fingerprint}
          </button>{' '}
          <span className="field-hint">Only after checking it with the server&apos;s administrator; it is pinned when you save, and a changed key is refused from then on.</span>
        </p>
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
