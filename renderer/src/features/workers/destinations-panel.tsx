import { useEffect, useId, useState, type FormEvent, type ReactNode } from 'react';
import type { EnvironmentView } from '../../../../shared/model/environment';
import type { NotificationDestinationsView } from '../../../../shared/model/workers';
import { useServices } from '../../services';
import { saveDestinations } from '../../actions/worker-actions';
import { destinationsBlockedReason } from '../../stores/workers.logic';
import { SecretField } from '../../components/secret-field';
import { channelLines, describeDestinations, destinationsFormValues, destinationsInputFrom, PAGERDUTY_EVENTS_URL, type DestinationsFormValues } from './destinations-form.logic';

type Loaded = { state: 'loading' } | { state: 'ready'; view: NotificationDestinationsView } | { state: 'error'; message: string };

/** The label suffix saying whether a secret is stored (its value never reaches this window). */
const setOrNot = (isStored: boolean) => (isStored ? ' — set' : ' — not set');

/**
 * Where the Slack, email, webhook and PagerDuty (incident_management, phone) senders deliver, per
 * environment, and which delivery channels are not configured. Collapsed by default; the
 * secrets are write-only: shown as "set", typed to replace, ticked to clear.
 */
export function DestinationsPanel({ env }: { env: EnvironmentView }) {
  const [isOpen, setIsOpen] = useState(false);
  const panelId = useId();
  return (
    <section className="workers-destinations" data-testid={`destinations-${env.id}`}>
      <button type="button" className="rabbit-link-button workers-destinations-toggle" aria-expanded={isOpen} aria-controls={panelId} data-testid={`destinations-toggle-${env.id}`} onClick={() => setIsOpen((v) => !v)}>
        <span aria-hidden="true">{isOpen ? '▾' : '▸'}</span> Notification destinations
      </button>
      {isOpen ? (
        <div id={panelId}>
          <DestinationsBody env={env} />
        </div>
      ) : null}
    </section>
  );
}

function DestinationsBody({ env }: { env: EnvironmentView }) {
  const services = useServices();
  const { client } = services;
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  const [values, setValues] = useState<DestinationsFormValues>(() => destinationsFormValues(null));
  const [isSaving, setIsSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const blocked = destinationsBlockedReason(env);

  const show = (view: NotificationDestinationsView) => {
    setLoaded({ state: 'ready', view });
    setValues(destinationsFormValues(view));
  };
  useEffect(() => {
    let isCancelled = false;
    void client.call('workers.destinations', { envId: env.id }).then((answer) => {
      if (isCancelled) return;
      if (answer.ok) show(answer.value);
      else setLoaded({ state: 'error', message: `${answer.error.code}: ${answer.error.message}` });
    });
    return () => {
      isCancelled = true;
    };
  }, [client, env.id]);

  const set = <K extends keyof DestinationsFormValues>(key: K, value: DestinationsFormValues[K]) => {
    setSaved(false);
    setValues((current) => ({ ...current, [key]: value }));
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setSaved(false);
    const built = destinationsInputFrom(values);
    if (!built.ok) return setError(built.message);
    setIsSaving(true);
    // On success the workers are read again: whether the senders can run depends on their destinations.
    const answer = await saveDestinations(services, env.id, built.input);
    setIsSaving(false);
    if (!answer.ok) return setError(`${answer.error.code}: ${answer.error.message}`);
    show(answer.value);
    setSaved(true);
  };

  if (loaded.state === 'loading') return <p className="empty">Loading destinations…</p>;
  if (loaded.state === 'error')
    return (
      <p className="form-error" role="alert" data-testid="destinations-load-error">
        Could not load the destinations — {loaded.message}
      </p>
    );
  const view = loaded.view;
  const isDisabled = blocked !== null;
  return (
    <form className="workers-destinations-form" aria-label={`Notification destinations of ${env.name}`} onSubmit={(e) => void submit(e)} noValidate data-testid="destinations-form">
      <ul className="workers-destinations-state small" data-testid="destinations-state">
        {describeDestinations(view).map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      <ul className="workers-destinations-channels small" aria-label="Delivery channels" data-testid="destinations-channels">
        {channelLines(view).map((line) => (
          <li key={line.channel} data-testid={`channel-${line.channel}`} className={line.isConfigured ? undefined : 'muted'}>
            {line.text}
          </li>
        ))}
        <li data-testid="channel-unknown">any other channel an alert names (e.g. sms): not configured — skipped, the others still go out; shown on the alert&apos;s timeline</li>
      </ul>
      {blocked ? (
        <p className="note" data-testid="destinations-blocked">
          {blocked}
        </p>
      ) : null}
      <fieldset className="fieldset" disabled={isDisabled} title={blocked ?? undefined}>
        <legend>Slack</legend>
        <SecretField
          label={`Incoming-webhook URL${setOrNot(view.slack.hasWebhookUrl)}`}
          testId="dest-slack-url"
          value={values.slackWebhookUrl}
          onChange={(v) => set('slackWebhookUrl', v)}
          hasStored={view.slack.hasWebhookUrl}
          isClearing={values.clearSlackWebhookUrl}
          onClearingChange={(v) => set('clearSlackWebhookUrl', v)}
          clearLabel="clear"
          placeholder="https://hooks.slack.com/services/…"
        />
      </fieldset>
      <fieldset className="fieldset" disabled={isDisabled} title={blocked ?? undefined}>
        <legend>Email (SMTP)</legend>
        <Check label="Send email notifications" testId="dest-email-on" checked={values.isEmailOn} onChange={(v) => set('isEmailOn', v)} />
        {values.isEmailOn ? (
          <div className="workers-destinations-grid">
            <Field label="SMTP host">{(id) => <input id={id} className="input mono" data-testid="dest-email-host" value={values.emailHost} onChange={(e) => set('emailHost', e.target.value)} placeholder="smtp.example.com" spellCheck={false} />}</Field>
            <Field label="Port">{(id) => <input id={id} className="input input-rate" data-testid="dest-email-port" inputMode="numeric" value={values.emailPort} onChange={(e) => set('emailPort', e.target.value)} />}</Field>
            <Check label="Implicit TLS (port 465); otherwise STARTTLS" testId="dest-email-secure" checked={values.emailSecure} onChange={(v) => set('emailSecure', v)} />
            <Check label="Refuse a server without STARTTLS (untick only for a local relay)" testId="dest-email-require-starttls" checked={values.emailRequireStartTls} onChange={(v) => set('emailRequireStartTls', v)} />
            <Field label="From">{(id) => <input id={id} className="input" data-testid="dest-email-from" value={values.emailFrom} onChange={(e) => set('emailFrom', e.target.value)} placeholder="watchfloor@example.com" spellCheck={false} />}</Field>
            <Field label="Username (optional)">{(id) => <input id={id} className="input" data-testid="dest-email-username" value={values.emailUsername} onChange={(e) => set('emailUsername', e.target.value)} autoComplete="off" spellCheck={false} />}</Field>
            <SecretField
              label={`Password${setOrNot(view.email?.hasPassword ?? false)}`}
              testId="dest-email-password"
              value={values.emailPassword}
              onChange={(v) => set('emailPassword', v)}
              hasStored={view.email?.hasPassword ?? false}
              isClearing={values.clearEmailPassword}
              onClearingChange={(v) => set('clearEmailPassword', v)}
              clearLabel="clear"
            />
            <Field label="Escalations to roles (security_team, devops_lead, cto) go to">{(id) => <input id={id} className="input" data-testid="dest-email-role-address" value={values.emailRoleAddress} onChange={(e) => set('emailRoleAddress', e.target.value)} placeholder="soc-oncall@example.com" spellCheck={false} />}</Field>
            <Field label="CA certificate file (optional)">{(id) => <input id={id} className="input mono" data-testid="dest-email-ca" value={values.emailCaFile} onChange={(e) => set('emailCaFile', e.target.value)} spellCheck={false} />}</Field>
          </div>
        ) : null}
      </fieldset>
      <fieldset className="fieldset" disabled={isDisabled} title={blocked ?? undefined}>
        <legend>Webhook</legend>
        <Check label="Send to a webhook" testId="dest-webhook-on" checked={values.isWebhookOn} onChange={(v) => set('isWebhookOn', v)} />
        {values.isWebhookOn ? (
          <div className="workers-destinations-grid">
            <Field label="URL">{(id) => <input id={id} className="input mono" data-testid="dest-webhook-url" value={values.webhookUrl} onChange={(e) => set('webhookUrl', e.target.value)} placeholder="https://hooks.example.com/watchfloor" spellCheck={false} />}</Field>
            <SecretField
              label={`Signing secret (HMAC-SHA256)${setOrNot(view.webhook?.hasSecret ?? false)}`}
              testId="dest-webhook-secret"
              value={values.webhookSecret}
              onChange={(v) => set('webhookSecret', v)}
              hasStored={view.webhook?.hasSecret ?? false}
              isClearing={values.clearWebhookSecret}
              onClearingChange={(v) => set('clearWebhookSecret', v)}
              clearLabel="clear"
            />
            <Field label="Allow-list: recipient URLs a message may name, one per line (any other goes to the URL above)">
              {(id) => <textarea id={id} className="input mono" rows={3} data-testid="dest-webhook-allow" value={values.webhookAllowList} onChange={(e) => set('webhookAllowList', e.target.value)} spellCheck={false} />}
            </Field>
          </div>
        ) : null}
      </fieldset>
      <fieldset className="fieldset" disabled={isDisabled} title={blocked ?? undefined}>
        <legend>PagerDuty (incident_management, phone)</legend>
        <Check label="Send incident_management and phone through PagerDuty Events API v2" testId="dest-pagerduty-on" checked={values.isPagerDutyOn} onChange={(v) => set('isPagerDutyOn', v)} />
        {values.isPagerDutyOn ? (
          <div className="workers-destinations-grid">
            <Field label="Events API v2 URL">{(id) => <input id={id} className="input mono" data-testid="dest-pagerduty-url" value={values.pagerDutyEventsUrl} onChange={(e) => set('pagerDutyEventsUrl', e.target.value)} placeholder={PAGERDUTY_EVENTS_URL} spellCheck={false} />}</Field>
            <SecretField
              label={`Routing key for incident_management${setOrNot(view.pagerDuty?.hasRoutingKey ?? false)}`}
              testId="dest-pagerduty-key"
              value={values.pagerDutyRoutingKey}
              onChange={(v) => set('pagerDutyRoutingKey', v)}
              hasStored={view.pagerDuty?.hasRoutingKey ?? false}
              isClearing={values.clearPagerDutyRoutingKey}
              onClearingChange={(v) => set('clearPagerDutyRoutingKey', v)}
              clearLabel="clear"
            />
            <SecretField
              label={`Routing key for phone (a service whose escalation policy phones the on-call)${setOrNot(view.pagerDuty?.hasPhoneRoutingKey ?? false)}`}
              testId="dest-pagerduty-phone-key"
              value={values.pagerDutyPhoneRoutingKey}
              onChange={(v) => set('pagerDutyPhoneRoutingKey', v)}
              hasStored={view.pagerDuty?.hasPhoneRoutingKey ?? false}
              isClearing={values.clearPagerDutyPhoneRoutingKey}
              onClearingChange={(v) => set('clearPagerDutyPhoneRoutingKey', v)}
              clearLabel="clear"
            />
          </div>
        ) : null}
      </fieldset>
      {error ? (
        <p className="form-error" role="alert" data-testid="destinations-error">
          {error}
        </p>
      ) : null}
      {saved ? (
        <p className="note rabbit-note-ok" role="status" data-testid="destinations-saved">
          Saved. Senders already running keep the old destinations until the workers are stopped and started again.
        </p>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="button button-primary" data-testid="destinations-save" disabled={isDisabled || isSaving} title={blocked ?? undefined}>
          {isSaving ? 'Saving…' : 'Save destinations'}
        </button>
        <button type="button" className="button button-quiet" disabled={isSaving} onClick={() => (setValues(destinationsFormValues(view)), setError(null), setSaved(false))}>
          Reset
        </button>
      </div>
    </form>
  );
}

function Field({ label, children }: { label: string; children: (id: string) => ReactNode }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id} className="label-text">
        {label}
      </label>
      {children(id)}
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
