import { useState } from 'react';
import type { EnvironmentView } from '../../../../shared/model/environment';
import { removeEnvironment } from '../../actions/environment-actions';
import { ColourSwatch } from '../../components/colour-swatch';
import { useSameRedis } from '../../components/use-same-redis';
import { useServices } from '../../services';
import { openEditForm } from '../../stores/navigation.logic';
import { TestResultPanel } from './test-result-panel';
import { isTestFor, type useConnectionTest } from './use-connection-test';

/** One saved environment: where its brokers are, and Edit / Test / Remove (with an inline confirmation). */
export function EnvironmentRow({ env, connectionTest }: { env: EnvironmentView; connectionTest: ReturnType<typeof useConnectionTest> }) {
  const services = useServices();
  const [isConfirming, setIsConfirming] = useState(false);
  const [isRemoving, setIsRemoving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const target = { envId: env.id };
  const isTested = isTestFor(connectionTest.state, target);
  const repeated = useSameRedis()[env.id];
  const sameAs = repeated ? (services.stores.environments.getState().environments.find((e) => e.id === repeated)?.name ?? repeated) : null;

  const confirmRemove = async () => {
    setIsRemoving(true);
    setError(null);
    const result = await removeEnvironment(services, env.id);
    // On success this row unmounts; only a failure needs the local state back.
    if (!result.ok) {
      setIsRemoving(false);
      setIsConfirming(false);
      setError(result.error.message);
    }
  };

  return (
    <li className="env-row" data-testid={`env-row-${env.id}`}>
      <div className="env-row-main">
        <ColourSwatch colour={env.colour} />
        <div className="env-row-text">
          <div className="env-row-name">
            <strong>{env.name}</strong>
            {env.production ? <span className="tag tag-production">PRODUCTION</span> : null}
            {env.namespace ? <span className="tag">{env.namespace}</span> : null}
            <span className="tag" data-testid={`env-role-${env.id}`} title={['What this console may do here, checked by the console host: the profile role narrowed to what the credentials allow.', ...(env.roleReasons ?? [])].join('\n')}>
              {env.effectiveRole ?? env.role}
              {env.effectiveRole && env.effectiveRole !== env.role ? ` (profile: ${env.role})` : null}
            </span>
            {env.opensReadOnly ? <span className="tag">{env.readOnly ? 'read-only' : 'write mode'}</span> : null}
            {sameAs ? (
              <span className="tag tag-warn" data-testid={`env-same-redis-${env.id}`} title="Same Redis server (run id) and namespace: the same streams and alerts as that profile">
                same Redis as {sameAs}
              </span>
            ) : null}
          </div>
          {env.roleReasons && env.roleReasons.length > 1 ? (
            <ul className="env-row-role-reasons small muted" data-testid={`env-role-reasons-${env.id}`} aria-label={`Why the role on ${env.name} is ${env.effectiveRole ?? env.role}`}>
              {env.roleReasons.slice(1).map((reason) => (
                <li key={reason}>{reason}</li>
              ))}
            </ul>
          ) : null}
          <dl className="env-row-urls small">
            <dt>Redis</dt>
            <dd className="mono">
              {env.redis ? `${env.redis.url}${env.redis.tls ? ' (TLS)' : ''}${env.redis.sentinel ? ` via Sentinel ${env.redis.sentinel.masterName} @ ${env.redis.sentinel.nodes.join(', ')}` : ''}${env.redis.cluster ? ` (cluster, also ${env.redis.cluster.nodes.join(', ')})` : ''}` : '—'}
            </dd>
            <dt>RabbitMQ</dt>
            <dd className="mono">{env.amqp?.url ?? '—'}</dd>
            <dt>Management</dt>
            <dd className="mono">{env.managementUrl ?? '—'}</dd>
          </dl>
        </div>
        <div className="env-row-actions">
          {isConfirming ? (
            <span className="confirm" role="group" aria-label={`Confirm removal of ${env.name}`}>
              <span>Remove {env.name}?</span>
              <button
                type="button"
                className="button button-danger"
                data-testid={`env-remove-confirm-${env.id}`}
                disabled={isRemoving}
                onClick={() => void confirmRemove()}
              >
                Confirm
              </button>
              <button type="button" className="button" data-testid={`env-remove-cancel-${env.id}`} disabled={isRemoving} onClick={() => setIsConfirming(false)}>
                Cancel
              </button>
            </span>
          ) : (
            <>
              <button
                type="button"
                className="button"
                data-testid={`env-edit-${env.id}`}
                onClick={() => services.stores.navigation.setState((state) => openEditForm(state, env.id), true)}
              >
                Edit
              </button>
              <button
                type="button"
                className="button"
                data-testid={`env-test-${env.id}`}
                disabled={isTested && connectionTest.state.phase === 'running'}
                onClick={() => void connectionTest.run(target, { id: env.id })}
              >
                Test
              </button>
              <button type="button" className="button button-danger-quiet" data-testid={`env-remove-${env.id}`} onClick={() => setIsConfirming(true)}>
                Remove
              </button>
            </>
          )}
        </div>
      </div>
      {error ? (
        <p className="bad small" role="alert">
          {error}
        </p>
      ) : null}
      {isTested ? <TestResultPanel state={connectionTest.state} /> : null}
    </li>
  );
}
