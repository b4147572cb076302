import type { Result } from '../../../shared/contract';
import type { ParamsOf, ResultOf } from '../../../shared/contract/methods';
import type { SavedSearchView } from '../../../shared/model/saved-searches';
import type { AppServices } from '../services';

/** Every change the saved-search bar (Dead letters, Alerts) makes goes through here (issue 20). */

/** Saves the current search under a name for the environment (operator; on the team audit stream). */
export function saveSearch({ client }: Pick<AppServices, 'client'>, params: ParamsOf<'searches.save'>): Promise<Result<ResultOf<'searches.save'>>> {
  return client.call('searches.save', params);
}

/** Deletes a saved search for everyone on the environment (operator; on the team audit stream). */
export function deleteSavedSearch({ client }: Pick<AppServices, 'client'>, envId: string, name: string): Promise<Result<ResultOf<'searches.delete'>>> {
  return client.call('searches.delete', { envId, name });
}

/** Records what a run of a saved search found (anyone may, a viewer too; not audited). */
export function recordSavedSearchRun(
  { client }: Pick<AppServices, 'client'>,
  envId: string,
  search: Pick<SavedSearchView, 'name' | 'updatedAt'>,
  run: { count: number; isComplete: boolean; source?: string },
): Promise<Result<ResultOf<'searches.recordRun'>>> {
  return client.call('searches.recordRun', { envId, name: search.name, updatedAt: search.updatedAt, ...run });
}
