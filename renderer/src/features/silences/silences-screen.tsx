import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { SilenceView } from '../../../../shared/contract/method-groups/silences';
import type { EnvironmentView } from '../../../../shared/model/environment';
import { describeMatcher } from '../../../../shared/model/silences';
import { addSilence, expireSilence } from '../../actions/silence-actions';
import { EnvPicker, usePageEnvironment } from '../../components/env-picker';
import { formatAge, formatDateTime } from '../../components/format';
import { latestOf, usePolledCall } from '../../components/use-polled-call';
import { useNow } from '../../components/use-now';
import { useServices } from '../../services';
import { checkForm, endingSoon, matchedNothing, scheduleText, type SilenceForm } from './silences.logic';

const LOCAL_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** Silences and maintenance windows of one environment (issue 20): the list, a warning for those about to end, and the add form. */
export function SilencesScreen() {
  const { stores } = useServices();
  const environments = useStore(stores.environments, (state) => state.environments).filter((e) => e.redis !== null);
  const { env, pick } = usePageEnvironment(environments);
  return (
    <section className="screen-section" aria-labelledby="silences-title" data-testid="silences-screen">
      <div className="screen-header">
        <h1 id="silences-title" className="screen-title">
          Silences
        </h1>
        {environments.length > 1 ? <EnvPicker candidates={environments} value={env?.id ?? null} onPick={pick} testId="silences-env" /> : null}
      </div>
      {env ? <EnvironmentSilences key={env.id} env={env} /> : <p className="empty">No environment with Redis: silences live in the environment's Redis.</p>}
    </section>
  );
}

function EnvironmentSilences({ env }: { env: EnvironmentView }) {
  const services = useServices();
  const [version, setVersion] = useState(0);
  const [notice, setNotice] = useState<{ tone: 'ok' | 'bad'; text: string } | null>(null);
  const polled = usePolledCall('silences.list', { envId: env.id }, `${env.id}:${version}`, 5000);
  const listed = latestOf(polled);
  const now = useNow(1000);
  const silences = listed?.silences ?? [];
  const soon = endingSoon(silences, now);
  const expire = async (s: SilenceView) => {
    const answer = await expireSilence(services, env.id, s.id);
    setNotice(answer.ok ? { tone: 'ok', text: `Silence expired: the alerts it covered resume escalation now.` } : { tone: 'bad', text: answer.error.message });
    setVersion((v) => v + 1);
  };
  return (
    <>
      {soon.map((s) => (
        <p key={s.id} className="banner banner-warn" role="status" data-testid={`silence-ending-${s.id}`}>
          Silence “{s.reason}” ends in {formatAge(Math.max(0, s.window!.end - now))}: the alerts it covers notify and escalate from then.
        </p>
      ))}
      {polled.state === 'error' ? (
        <p className="bad small" role="alert">
          {polled.message}
        </p>
      ) : null}
      {notice ? (
        <p className={notice.tone === 'ok' ? 'small' : 'bad small'} role="status" data-testid="silences-notice">
          {notice.text}
        </p>
      ) : null}
      {listed?.readOnly ? (
        <p className="muted small">{env.name} is read-only: silences can be viewed, not added or expired.</p>
      ) : (
        <SilenceAddForm
          env={env}
          onAdded={(text) => {
            setNotice({ tone: 'ok', text });
            setVersion((v) => v + 1);
          }}
          onError={(text) => setNotice({ tone: 'bad', text })}
        />
      )}
      {!listed ? (
        <p className="empty">Loading…</p>
      ) : silences.length === 0 ? (
        <p className="empty" data-testid="silences-empty">
          No silences in {env.name}.
        </p>
      ) : (
        <table className="table" data-testid="silences-table">
          <thead>
            <tr>
              <th>Status</th>
              <th>Matchers</th>
              <th>When</th>
              <th>Window</th>
              <th>Matched</th>
              <th>By · why</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {silences.map((s) => (
              <tr key={s.id} data-testid={`silence-row-${s.id}`} data-status={s.status}>
                <td>{s.status}</td>
                <td className="mono small">{s.matchers.map(describeMatcher).join(' ')}</td>
                <td className="small">{scheduleText(s.schedule)}</td>
                <td className="small">{s.window ? `${formatDateTime(s.window.start)} → ${formatDateTime(s.window.end)}` : '—'}</td>
                <td className="small" data-testid={`silence-matched-${s.id}`}>
                  {matchedNothing(s) ? <span className="warn-text">matched nothing</span> : s.matched}
                </td>
                <td className="small">
                  {s.createdBy} · {s.reason}
                  {s.expiredAt !== undefined ? ` · expired by ${s.expiredBy ?? '?'} ${formatDateTime(s.expiredAt)}` : ''}
                </td>
                <td>
                  {s.status !== 'expired' && s.status !== 'ended' && !listed.readOnly ? (
                    <button type="button" className="button" onClick={() => void expire(s)} data-testid={`silence-expire-${s.id}`}>
                      Expire
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function SilenceAddForm({ env, onAdded, onError }: { env: EnvironmentView; onAdded: (text: string) => void; onError: (text: string) => void }) {
  const services = useServices();
  const draft = useStore(services.stores.silences, (state) => state.draft);
  const [form, setForm] = useState<SilenceForm>({ matchers: '', mode: 'once', duration: '2h', every: 'sun 02:00-04:00', timeZone: LOCAL_ZONE, reason: '' });
  // "Silence like this" on an alert of this environment fills the form.
  useEffect(() => {
    if (draft && draft.envId === env.id) setForm((f) => ({ ...f, matchers: draft.matchers, reason: draft.reason }));
  }, [draft, env.id]);
  const check = checkForm(form, Date.now());
  const submit = async () => {
    const checked = checkForm(form, Date.now());
    if (!checked.ok) return;
    const answer = await addSilence(services, { envId: env.id, ...checked.params });
    if (answer.ok) {
      setForm((f) => ({ ...f, matchers: '', reason: '' }));
      onAdded(`Silence added: ${answer.value.matchers.map(describeMatcher).join(' ')}`);
    } else onError(answer.error.message);
  };
  return (
    <form
      className="silence-form"
      data-testid="silence-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h2 className="alert-detail-section">{draft?.fromAlert && draft.envId === env.id ? `New silence like “${draft.fromAlert.title}”` : 'New silence'}</h2>
      <label className="small">
        Matchers, one a line (key=value, key=a|b, key~regex; keys severity, source, asset, organisation, type)
        <textarea className="input mono" rows={3} value={form.matchers} onChange={(e) => setForm({ ...form, matchers: e.target.value })} data-testid="silence-matchers" spellCheck={false} />
      </label>
      <div className="events-toolbar">
        <label className="small">
          <input type="radio" name="silence-mode" checked={form.mode === 'once'} onChange={() => setForm({ ...form, mode: 'once' })} data-testid="silence-mode-once" /> From now for
        </label>
        <input className="input" aria-label="Duration" value={form.duration} onChange={(e) => setForm({ ...form, duration: e.target.value })} disabled={form.mode !== 'once'} data-testid="silence-duration" size={6} />
        <label className="small">
          <input type="radio" name="silence-mode" checked={form.mode === 'weekly'} onChange={() => setForm({ ...form, mode: 'weekly' })} data-testid="silence-mode-weekly" /> Every week
        </label>
        <input className="input mono" aria-label="Weekly window" value={form.every} onChange={(e) => setForm({ ...form, every: e.target.value })} disabled={form.mode !== 'weekly'} data-testid="silence-every" size={18} />
        <input className="input mono" aria-label="Time zone" value={form.timeZone} onChange={(e) => setForm({ ...form, timeZone: e.target.value })} disabled={form.mode !== 'weekly'} data-testid="silence-tz" size={16} />
      </div>
      <label className="small">
        Reason
        <input className="input" value={form.reason} onChange={(e) => setForm({ ...form, reason: e.target.value })} data-testid="silence-reason" />
      </label>
      <div className="events-toolbar">
        <button type="submit" className="button" disabled={!check.ok} data-testid="silence-add">
          Add silence
        </button>
        {!check.ok ? <span className="muted small">{check.problem}</span> : null}
      </div>
    </form>
  );
}
