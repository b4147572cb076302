import { describe, expect, it } from 'vitest';
import { closeForm, forgetRemovedEnvironment, initialNavigationState, navigate, openAddForm, openEditForm } from '../../../renderer/src/stores/navigation.logic';

describe('navigation', () => {
  it('switches screens and keeps an open form', () => {
    const adding = openAddForm(initialNavigationState);
    expect(adding).toEqual({ screen: 'environments', environmentForm: { mode: 'add' } });
    const away = navigate(adding, 'overview');
    expect(away.environmentForm).toEqual({ mode: 'add' });
    expect(navigate(away, 'overview')).toBe(away);
  });

  it('opens the form on an environment and closes it when that environment is removed', () => {
    const editing = openEditForm(initialNavigationState, 'x');
    expect(editing.environmentForm).toEqual({ mode: 'edit', id: 'x' });
    expect(forgetRemovedEnvironment(editing, new Set(['x']))).toBe(editing);
    expect(forgetRemovedEnvironment(editing, new Set()).environmentForm).toEqual({ mode: 'closed' });
    expect(closeForm(closeForm(editing))).toEqual(closeForm(editing));
  });
});
