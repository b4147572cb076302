import { useId, useState, type FormEvent, type ReactNode } from 'react';
import type { CallError } from '../../../../shared/contract';
import type { EnvironmentView } from '../../../../shared/model/environment';
import { saveEnvironment } from '../../actions/environment-actions';
import { useServices } from '../../services';
import { closeForm } from '../../stores/navigation.logic';
import { formValuesFrom, inputFromFormValues, type EnvironmentFormValues, type TlsFileValues } from './environment-form.logic';
import { TestResultPanel } from './test-result-panel';
import { SecretField } from '../../components/secret-field';
import { isTestFor, type useConnectionTest } from './use-connection-test';
import { MaskingFields } from './environment-form-masking';

/** Add or edit an environment: identity, Redis, RabbitMQ, management API; test before saving. */
export function EnvironmentForm({ env, connectionTest }: { env: EnvironmentView | null; connectionTest: ReturnType<typeof useConnectionTest> }) {
  const services = useServices();
  const [values, setValues] = useState<EnvironmentFormValues>(() => formValuesFrom(env, services.stores.environments.getState().environments));
  const [isSaving, setIsSaving] = useState(false);
  const [error, setError] = useState<CallError | null>(null);
  const isTested = isTestFor(connectionTest.state, 'form');
  const set = <K extends keyof EnvironmentFormValues>(key: K, value: EnvironmentFormValues[K]) => setValues((current) => ({ ...current, [key]: value }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setIsSaving(true);
    setError(null);
    const result = await saveEnvironment(services, env?.id ?? null, inputFromFormValues(values));
    // On success the form closes (and unmounts); only a failure needs local state.
    if (!result.ok) {
      setIsSaving(false);
      setError(result.error);
    }
  };

  const test = () => {
    setError(null);
    void connectionTest.run('form', env ? { id: env.id, input: inputFromFormValues(values) } : { input: inputFromFormValues(values) });
  };

  // A test the host refused for bad fields is a form problem: show it where save errors go.
  const testState = connectionTest.state;
  const shownError = error ?? (isTested && testState.phase === 'failed' && testState.error.code === 'VALIDATION' ? testState.error : null);
  const title = env ? `Edit ${env.name}` : 'Add environment';
  return (
    <form className="env-form" aria-label={title} onSubmit={(event) => void submit(event)} noValidate data-testid="env-form">
      <h2 className="form-title">{title}</h2>

      <fieldset className="fieldset">
        <legend>Environment</legend>
        <Field label="Name">
          {(id) => (
            <input id={id} className="input" data-testid="env-name" value={values.name} onChange={(e) => set('name', e.target.value)} required autoFocus maxLength={64} />
          )}
        </Field>
        <Field label="Colour">
          {(id) => <input id={id} className="input input-colour" type="color" data-testid="env-colour" value={values.colour} onChange={(e) => set('colour', e.target.value)} />}
        </Field>
        <Check
          label="Production (shows a banner in this colour)"
          testId="env-production"
          checked={values.production}
          // A production environment starts read-only; the analyst can still untick it.
          onChange={(v) => {
            set('production', v);
            if (v) set('readOnly', true);
          }}
        />
        <Check label="Opens read-only (Watchfloor refuses every change until write mode is switched on, for a limited time)" testId="env-read-only" checked={values.readOnly} onChange={(v) => set('readOnly', v)} />
        <Field label="Your role" hint="Viewer: reads only. Operator: also acknowledges, escalates, replays, claims, pauses, publishes. Admin: also purges, drains, cleans, deletes consumers, changes policies. Checked by the console host.">
          {(id) => (
            <select id={id} className="input" data-testid="env-role" value={values.role} onChange={(e) => set('role', e.target.value as EnvironmentFormValues['role'])}>
              <option value="viewer">Viewer</option>
              <option value="operator">Operator</option>
              <option value="admin">Admin</option>
            </select>
          )}
        </Field>
        <Field label="Namespace (advanced, optional)" hint="Prefix of every stream, group, queue and exchange name. Leave empty for the standard names.">
          {(id) => <input id={id} className="input mono" data-testid="env-namespace" value={values.namespace} onChange={(e) => set('namespace', e.target.value)} placeholder="e.g. staging." />}
        </Field>
      </fieldset>

      <fieldset className="fieldset">
        <legend>Redis</legend>
        <Field label="Redis URL" hint="Leave empty if this environment has no Redis.">
          {(id) => (
            <input id={id} className="input mono" data-testid="env-redis-url" value={values.redisUrl} onChange={(e) => set('redisUrl', e.target.value)} placeholder="redis://127.0.0.1:6379" spellCheck={false} />
          )}
        </Field>
        <Field label="Redis username">
          {(id) => (
            <input id={id} className="input" data-testid="env-redis-username" value={values.redisUsername} onChange={(e) => set('redisUsername', e.target.value)} autoComplete="off" spellCheck={false} />
          )}
        </Field>
        <SecretField
          label="Redis password"
          testId="env-redis-password"
          value={values.redisPassword}
          onChange={(v) => set('redisPassword', v)}
          hasStored={env?.redis?.hasPassword ?? false}
          isClearing={values.clearRedisPassword}
          onClearingChange={(v) => set('clearRedisPassword', v)}
        />
        <Check label="TLS" testId="env-redis-tls" checked={values.redisTls} onChange={(v) => set('redisTls', v)} />
        <Field label="Sentinel master name" hint="Only for Redis behind Sentinel: the console asks the sentinels for the primary and follows a failover.">
          {(id) => <input id={id} className="input mono" data-testid="env-redis-sentinel-master" value={values.redisSentinelMaster} onChange={(e) => set('redisSentinelMaster', e.target.value)} placeholder="mymaster" spellCheck={false} />}
        </Field>
        {values.redisSentinelMaster.trim() ? (
          <Field label="Sentinels" hint="host:port of each, separated by commas. The URL above still gives the user, password and database.">
            {(id) => <input id={id} className="input mono" data-testid="env-redis-sentinel-nodes" value={values.redisSentinelNodes} onChange={(e) => set('redisSentinelNodes', e.target.value)} placeholder="10.0.0.5:26379, 10.0.0.6:26379" spellCheck={false} />}
          </Field>
        ) : null}
        {values.redisSentinelMaster.trim() ? null : (
          <Field label="Cluster nodes" hint="Only for a Redis Cluster: host:port of further seed nodes, separated by commas (the URL's node is one). Alerts, dead letters, BullMQ, pub/sub and demo traffic are not available on a cluster.">
            {(id) => <input id={id} className="input mono" data-testid="env-redis-cluster-nodes" value={values.redisClusterNodes} onChange={(e) => set('redisClusterNodes', e.target.value)} placeholder="10.0.0.5:6379, 10.0.0.6:6379" spellCheck={false} />}
          </Field>
        )}
        {values.redisTls || values.redisUrl.trim().startsWith('rediss:') ? <TlsFields prefix="env-redis" values={values.redisTlsFiles} onChange={(v) => set('redisTlsFiles', v)} /> : null}
      </fieldset>

      <fieldset className="fieldset">
        <legend>RabbitMQ</legend>
        <Field label="AMQP URL" hint="Leave empty if this environment has no RabbitMQ.">
          {(id) => (
            <input id={id} className="input mono" data-testid="env-amqp-url" value={values.amqpUrl} onChange={(e) => set('amqpUrl', e.target.value)} placeholder="amqp://user@127.0.0.1:5672/%2F" spellCheck={false} />
          )}
        </Field>
        <SecretField
          label="AMQP password"
          testId="env-amqp-password"
          value={values.amqpPassword}
          onChange={(v) => set('amqpPassword', v)}
          hasStored={env?.amqp?.hasPassword ?? false}
          isClearing={values.clearAmqpPassword}
          onClearingChange={(v) => set('clearAmqpPassword', v)}
        />
        {values.amqpUrl.trim().startsWith('amqps:') ? <TlsFields prefix="env-amqp" values={values.amqpTlsFiles} onChange={(v) => set('amqpTlsFiles', v)} /> : null}
        <Field label="Management API URL" hint="Optional; gives unacked counts and lists every queue. Leave empty to use passive checks.">
          {(id) => (
            <input id={id} className="input mono" data-testid="env-management-url" value={values.managementUrl} onChange={(e) => set('managementUrl', e.target.value)} placeholder="http://user:password@127.0.0.1:15672" spellCheck={false} />
          )}
        </Field>
        {values.managementUrl.trim().startsWith('https:') ? <TlsFields prefix="env-management" values={values.managementTlsFiles} onChange={(v) => set('managementTlsFiles', v)} /> : null}
      </fieldset>

      <fieldset className="fieldset">
        <legend>Database</legend>
        <Field label="PostgreSQL URL" hint="Optional: where the sinks store events (event-store). Leave empty if this environment has no database. ?sslmode=require for TLS.">
          {(id) => (
            <input id={id} className="input mono" data-testid="env-postgres-url" value={values.postgresUrl} onChange={(e) => set('postgresUrl', e.target.value)} placeholder="postgres://user@127.0.0.1:5432/watchfloor" spellCheck={false} />
          )}
        </Field>
        {values.postgresUrl.trim() ? (
          <SecretField
            label="PostgreSQL password"
            testId="env-postgres-password"
            value={values.postgresPassword}
            onChange={(v) => set('postgresPassword', v)}
            hasStored={env?.postgres?.hasPassword ?? false}
            isClearing={values.clearPostgresPassword}
            onClearingChange={(v) => set('clearPostgresPassword', v)}
          />
        ) : null}
      </fieldset>

      <fieldset className="fieldset">
        <legend>Through a bastion (SSH)</legend>
        <Field label="SSH host" hint="Optional: every connection of this environment (Redis, RabbitMQ, management API, database) then goes through one SSH connection to this host. Leave empty to connect directly.">
          {(id) => <input id={id} className="input mono" data-testid="env-ssh-host" value={values.sshHost} onChange={(e) => set('sshHost', e.target.value)} placeholder="bastion.example.com" spellCheck={false} />}
        </Field>
        {values.sshHost.trim() ? (
          <>
            <Field label="SSH port">
              {(id) => <input id={id} className="input mono" data-testid="env-ssh-port" value={values.sshPort} onChange={(e) => set('sshPort', e.target.value)} inputMode="numeric" placeholder="22" />}
            </Field>
            <Field label="SSH user">
              {(id) => <input id={id} className="input" data-testid="env-ssh-user" value={values.sshUser} onChange={(e) => set('sshUser', e.target.value)} autoComplete="off" spellCheck={false} />}
            </Field>
            <Field label="Authentication">
              {(id) => (
                <select id={id} className="input" data-testid="env-ssh-auth" value={values.sshAuth} onChange={(e) => set('sshAuth', e.target.value as EnvironmentFormValues['sshAuth'])}>
                  <option value="key">Private key file</option>
                  <option value="agent">SSH agent (SSH_AUTH_SOCK)</option>
                  <option value="password">Password</option>
                </select>
              )}
            </Field>
            {values.sshAuth === 'key' ? (
              <>
                <Field label="Private key file" hint="Read by the console host only; never shown or sent to this window.">
                  {(id) => <input id={id} className="input mono" data-testid="env-ssh-key-file" value={values.sshKeyFile} onChange={(e) => set('sshKeyFile', e.target.value)} placeholder="~/.ssh/id_ed25519" spellCheck={false} />}
                </Field>
                <SecretField
                  label="Key passphrase"
                  testId="env-ssh-passphrase"
                  value={values.sshPassphrase}
                  onChange={(v) => set('sshPassphrase', v)}
                  hasStored={env?.ssh?.hasPassphrase ?? false}
                  isClearing={values.clearSshPassphrase}
                  onClearingChange={(v) => set('clearSshPassphrase', v)}
                  placeholder="only for an encrypted key"
                  clearLabel="clear stored passphrase"
                />
              </>
            ) : null}
            {values.sshAuth === 'password' ? (
              <SecretField
                label="SSH password"
                testId="env-ssh-password"
                value={values.sshPassword}
                onChange={(v) => set('sshPassword', v)}
                hasStored={env?.ssh?.hasPassword ?? false}
                isClearing={values.clearSshPassword}
                onClearingChange={(v) => set('clearSshPassword', v)}
              />
            ) : null}
            <Field label="Host key (SHA256:…)" hint="The bastion's key as OpenSSH prints it. Empty: your known_hosts is consulted, else Test connection shows the key the server presents, to check and paste here. A changed key is always refused.">
              {(id) => <input id={id} className="input mono" data-testid="env-ssh-host-key" value={values.sshHostKey} onChange={(e) => set('sshHostKey', e.target.value)} placeholder="SHA256:…" spellCheck={false} />}
            </Field>
            <Field label="Jump host (optional)" hint="Reached first, with the same credentials; the bastion is reached through it (like ProxyJump).">
              {(id) => <input id={id} className="input mono" data-testid="env-ssh-jump-host" value={values.sshJumpHost} onChange={(e) => set('sshJumpHost', e.target.value)} placeholder="jump.example.com" spellCheck={false} />}
            </Field>
            {values.sshJumpHost.trim() ? (
              <>
                <Field label="Jump host port">
                  {(id) => <input id={id} className="input mono" data-testid="env-ssh-jump-port" value={values.sshJumpPort} onChange={(e) => set('sshJumpPort', e.target.value)} inputMode="numeric" placeholder="22" />}
                </Field>
                <Field label="Jump host user">
                  {(id) => <input id={id} className="input" data-testid="env-ssh-jump-user" value={values.sshJumpUser} onChange={(e) => set('sshJumpUser', e.target.value)} autoComplete="off" spellCheck={false} />}
                </Field>
                <Field label="Jump host key (SHA256:…)">
                  {(id) => <input id={id} className="input mono" data-testid="env-ssh-jump-host-key" value={values.sshJumpHostKey} onChange={(e) => set('sshJumpHostKey', e.target.value)} placeholder="SHA256:…" spellCheck={false} />}
                </Field>
              </>
            ) : null}
          </>
        ) : null}
      </fieldset>

      <fieldset className="fieldset">
        <legend>Encrypted payloads</legend>
        <SecretField
          label="AES-256-GCM key (64 hex characters or base64)"
          testId="env-payload-key"
          value={values.payloadKey}
          onChange={(v) => set('payloadKey', v)}
          hasStored={env?.hasPayloadKey ?? false}
          isClearing={values.clearPayloadKey}
          onClearingChange={(v) => set('clearPayloadKey', v)}
        />
        <Field label="Key id" hint="Optional; the workers write it into every envelope they encrypt, so the key can be rotated later.">
          {(id) => <input id={id} className="input mono" data-testid="env-payload-key-id" value={values.payloadKeyId} onChange={(e) => set('payloadKeyId', e.target.value)} placeholder="2026-12" spellCheck={false} />}
        </Field>
        <SecretField
          label="Previous keys (id:key, comma-separated)"
          testId="env-previous-payload-keys"
          value={values.previousPayloadKeys}
          onChange={(v) => set('previousPayloadKeys', v)}
          hasStored={(env?.previousPayloadKeyIds?.length ?? 0) > 0}
          isClearing={values.clearPreviousPayloadKeys}
          onClearingChange={(v) => set('clearPreviousPayloadKeys', v)}
          clearLabel="clear stored previous keys"
        />
        {env?.previousPayloadKeyIds?.length ? <p className="field-hint" data-testid="env-previous-payload-key-ids">Stored previous keys: {env.previousPayloadKeyIds.join(', ')}</p> : null}
        <p className="field-hint">Seed 001 encrypted messages are then shown decrypted (and marked so); replays keep the ciphertext byte for byte. The workers open encrypted inputs with the key their envelope names (or the current key, then the previous ones), encrypt what they write with the current key, and dead-letter what no key authenticates. Kept in the secret store, never sent back to this window.</p>
      </fieldset>

      <MaskingFields values={values.masking} onChange={(v) => set('masking', v)} />

      {shownError ? (
        <div className="form-error" role="alert" data-testid="form-error">
          {shownError.code === 'VALIDATION' ? null : <strong>{shownError.code}: </strong>}
          {shownError.message}
        </div>
      ) : null}

      <div className="form-actions">
        <button type="submit" className="button button-primary" data-testid="env-save" disabled={isSaving}>
          {isSaving ? 'Saving…' : env ? 'Save changes' : 'Add environment'}
        </button>
        <button type="button" className="button" data-testid="env-test" disabled={isTested && connectionTest.state.phase === 'running'} onClick={test}>
          Test connection
        </button>
        <button type="button" className="button button-quiet" data-testid="env-cancel" onClick={() => services.stores.navigation.setState((state) => closeForm(state), true)}>
          Cancel
        </button>
      </div>

      {isTested ? <TestResultPanel state={connectionTest.state} onTrustHostKey={(hop, fingerprint) => set(hop === 'jump' ? 'sshJumpHostKey' : 'sshHostKey', fingerprint)} /> : null}
    </form>
  );
}

function Field({ label, hint, children }: { label: string; hint?: string; children: (id: string) => ReactNode }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id} className="label-text">
        {label}
      </label>
      {children(id)}
      {hint ? <span className="field-hint">{hint}</span> : null}
    </div>
  );
}

function Check({ label, testId, checked, onChange }: { label: string; testId: string; checked: boolean; onChange: (value: boolean) => void }) {
  return (
    <label className="check">
      <input type="checkbox" data-testid={testId} checked={checked} onChange={(e) => onChange(e.target.checked)} />
      <span>{label}</span>
    </label>
  );
}

/** CA, client certificate and key files and the server name of one TLS connection. */
function TlsFields({ prefix, values, onChange }: { prefix: string; values: TlsFileValues; onChange: (v: TlsFileValues) => void }) {
  const field = (key: keyof TlsFileValues, label: string, hint: string, placeholder: string) => (
    <Field label={label} hint={hint}>
      {(id) => <input id={id} className="input mono" data-testid={`${prefix}-${key}`} value={values[key]} onChange={(e) => onChange({ ...values, [key]: e.target.value })} placeholder={placeholder} spellCheck={false} />}
    </Field>
  );
  return (
    <div className="tls-fields">
      {field('caFile', 'CA certificate file', 'Only this CA is trusted for this environment. Empty: the system CAs. Certificates are always verified.', '/etc/watchfloor/prod-ca.pem')}
      {field('certFile', 'Client certificate file', 'For mutual TLS, with the key below.', '/etc/watchfloor/client.pem')}
      {field('keyFile', 'Client key file', 'Read by the console host only; never shown or sent to this window.', '/etc/watchfloor/client.key')}
      {field('servername', 'Server name', 'When the certificate names another host than the URL.', 'redis.internal.example')}
    </div>
  );
}
