import type { Result } from '../../../shared/contract';
import type { ParamsOf, ResultOf } from '../../../shared/contract/methods';
import type { AlertSummary } from '../../../shared/model/alerts';
import type { AppServices } from '../services';
import { navigate } from '../stores/navigation.logic';
import { draftFromAlert, setDraft } from '../stores/silences.logic';

/** Every change the Silences screen (and an alert's "Silence like this") makes goes through here. */

/** Adds a silence to the environment (operator; on the team audit stream). */
export function addSilence({ client, stores }: Pick<AppServices, 'client' | 'stores'>, params: ParamsOf<'silences.add'>): Promise<Result<ResultOf<'silences.add'>>> {
  return client.call('silences.add', params).then((answer) => {
    if (answer.ok) stores.silences.setState((state) => setDraft(state, null), true);
    return answer;
  });
}

/** Expires a silence now, for good: the alerts it covers resume escalation. */
export function expireSilence({ client }: Pick<AppServices, 'client'>, envId: string, id: string, reason?: string): Promise<Result<ResultOf<'silences.expire'>>> {
  return client.call('silences.expire', { envId, id, ...(reason ? { reason } : {}) });
}

/** Opens the Silences screen with a draft that matches alerts like `alert` (nothing is written yet). */
export function silenceLikeThis({ stores }: Pick<AppServices, 'stores'>, alert: AlertSummary): void {
  stores.silences.setState((state) => setDraft(state, draftFromAlert(alert)), true);
  stores.navigation.setState((state) => navigate(state, 'silences'), true);
}
