import type { AlertSummary } from '../../../shared/model/alerts';

/** What the Silences screen's form starts from: empty, or an alert's fields ("silence like this"). */
export interface SilenceDraft {
  envId: string;
  /** One matcher a line: `asset=db-7`, `source=a|b`, `type~^login`. */
  matchers: string;
  reason: string;
  /** The alert it was made from, for the form's heading. */
  fromAlert?: { id: string; title: string };
}

export interface SilencesUiState {
  draft: SilenceDraft | null;
}

export const initialSilencesUiState: SilencesUiState = { draft: null };

/** The matchers that pick out alerts like this one: its asset and source (or organisation), and its severity. */
export function draftFromAlert(alert: Pick<AlertSummary, 'envId' | 'id' | 'title' | 'severity' | 'assetId' | 'source' | 'organizationId'>): SilenceDraft {
  const lines = [alert.assetId ? `asset=${alert.assetId}` : null, alert.source ? `source=${alert.source}` : alert.organizationId ? `organisation=${alert.organizationId}` : null, `severity=${alert.severity}`].filter((l): l is string => l !== null);
  return { envId: alert.envId, matchers: lines.join('\n'), reason: '', fromAlert: { id: alert.id, title: alert.title } };
}

export function setDraft(state: SilencesUiState, draft: SilenceDraft | null): SilencesUiState {
  return { ...state, draft };
}
