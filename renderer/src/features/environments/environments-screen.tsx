import { useStore } from 'zustand';
import { CommandButton } from '../../components/command-button';
import { useServices } from '../../services';
import { EnvironmentForm } from './environment-form';
import { EnvironmentRow } from './environment-row';
import { useConnectionTest } from './use-connection-test';

/** The list of environments with Edit / Test / Remove, and the add/edit form. */
export function EnvironmentsScreen() {
  const { stores } = useServices();
  const environments = useStore(stores.environments, (state) => state.environments);
  const isLoaded = useStore(stores.environments, (state) => state.isLoaded);
  const form = useStore(stores.navigation, (state) => state.environmentForm);
  const connectionTest = useConnectionTest();
  const editing = form.mode === 'edit' ? (environments.find((env) => env.id === form.id) ?? null) : null;

  return (
    <section className="environments" aria-labelledby="environments-title">
      <div className="screen-header">
        <h1 id="environments-title" className="screen-title">
          Environments
        </h1>
        <CommandButton id="environments.add" className="button button-primary" testId="env-add" />
      </div>

      {form.mode === 'add' || editing !== null ? (
        <EnvironmentForm
          // A fresh form (fresh fields, no leftover error) for each environment opened.
          key={form.mode === 'edit' ? `edit-${form.id}` : 'add'}
          env={editing}
          connectionTest={connectionTest}
        />
      ) : null}

      {!isLoaded ? (
        <p className="empty">Loading environments…</p>
      ) : environments.length === 0 ? (
        <p className="empty">No environments yet. Add one to start watching its brokers.</p>
      ) : (
        <ul className="env-list">
          {environments.map((env) => (
            <EnvironmentRow key={env.id} env={env} connectionTest={connectionTest} />
          ))}
        </ul>
      )}
    </section>
  );
}
