export type Screen = 'overview' | 'streams' | 'queues' | 'pubsub' | 'rules' | 'environments' | 'deadletters' | 'alerts' | 'audit' | 'workers' | 'events' | 'silences';

/** What the environment form is doing: hidden, adding a new one, or editing `id`. */
export type EnvironmentForm = { mode: 'closed' } | { mode: 'add' } | { mode: 'edit'; id: string };

export interface NavigationState {
  screen: Screen;
  environmentForm: EnvironmentForm;
}

export const initialNavigationState: NavigationState = { screen: 'overview', environmentForm: { mode: 'closed' } };

/** Shows another screen; an open form stays open, so switching away does not lose typing. */
export function navigate(state: NavigationState, screen: Screen): NavigationState {
  return state.screen === screen ? state : { ...state, screen };
}

/** Opens the empty "Add environment" form on the Environments screen. */
export function openAddForm(state: NavigationState): NavigationState {
  return { ...state, screen: 'environments', environmentForm: { mode: 'add' } };
}

/** Opens the form on an existing environment. */
export function openEditForm(state: NavigationState, id: string): NavigationState {
  return { ...state, screen: 'environments', environmentForm: { mode: 'edit', id } };
}

export function closeForm(state: NavigationState): NavigationState {
  return state.environmentForm.mode === 'closed' ? state : { ...state, environmentForm: { mode: 'closed' } };
}

/** Closes the form if it was editing an environment that has just been removed. */
export function forgetRemovedEnvironment(state: NavigationState, envIds: ReadonlySet<string>): NavigationState {
  const form = state.environmentForm;
  return form.mode === 'edit' && !envIds.has(form.id) ? closeForm(state) : state;
}
