import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { useServices } from '../../services';
import { EnvPicker, usePageEnvironment } from '../../components/env-picker';
import { applyRulesState } from '../../stores/rules.logic';
import { FiringList } from './firing-list';
import { RulesTable } from './rules-table';

/** Queue-health rules of one environment (editable) and what is firing now. */
export function RulesScreen() {
  const { stores, client } = useServices();
  const environments = useStore(stores.environments, (state) => state.environments);
  const { env: picked, pick } = usePageEnvironment(environments);
  const env = picked ?? undefined;
  const envId = picked?.id ?? null;
  const envRules = useStore(stores.rules, (state) => (envId ? state.byEnv[envId] : undefined));
  const firing = useStore(stores.rules, (state) => (envId ? state.firing[envId] : undefined));
  const [loadError, setLoadError] = useState<string | null>(null);

  useEffect(() => {
    if (!envId || envRules) return;
    let isCurrent = true;
    void client.call('rules.get', { envId }).then((answer) => {
      if (!isCurrent) return;
      if (answer.ok) stores.rules.setState((state) => applyRulesState(state, answer.value), true);
      else setLoadError(answer.error.message);
    });
    return () => {
      isCurrent = false;
    };
  }, [client, stores, envId, envRules]);

  return (
    <section className="screen-section rules-screen" aria-labelledby="rules-title">
      <div className="screen-header">
        <h1 id="rules-title" className="screen-title">
          Health rules
        </h1>
        {environments.length > 1 ? <EnvPicker candidates={environments} value={envId} onPick={pick} testId="rules-env" /> : null}
      </div>
      {!env ? (
        <p className="empty">No environment to show.</p>
      ) : !envRules ? (
        <p className="empty">{loadError ? `Could not load the rules: ${loadError}` : 'Loading rules…'}</p>
      ) : (
        <>
          <p className="note">
            Queue-health rules for <strong>{env.name}</strong> (seed 000 and seed 002 defaults{envRules.isDefault ? '' : ', edited'}). A rule that fires writes one alert
            to <span className="mono">{envRules.alertStream}</span>
            {envRules.isReadOnly ? ' — except here: this environment is read-only, so firing rules are shown but not written.' : '.'}
          </p>
          <RulesTable key={env.id} envId={env.id} rules={envRules.rules} />
          <FiringList firing={firing ?? []} namespace={env.namespace} />
        </>
      )}
    </section>
  );
}
