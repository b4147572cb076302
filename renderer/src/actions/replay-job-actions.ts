import type { Result, ResultOf } from '../../../shared/contract';
import type { BullJobKind, ReplayJobBroker, ReplayJobSelection } from '../../../shared/model/replay-jobs';
import { withConfirmation } from '../api/confirm';
import type { AppServices } from '../services';

/**
 * The renderer's replay-job calls (issue 20): a job's dry run, starting one (a bulk one buys the
 * typed confirmation first, as the one-shot replay does), and pause / resume / cancel. The jobs
 * panel polls `replays.list` for progress.
 */

type Services = Pick<AppServices, 'client'>;

export interface JobRequest {
  envId: string;
  /** Redis when absent. */
  broker?: ReplayJobBroker;
  bullKind?: BullJobKind;
  source: string;
  selection: ReplayJobSelection;
  target?: string;
  force?: boolean;
}

function base({ envId, broker, bullKind, source, selection, target, force }: JobRequest) {
  const trimmed = target?.trim() ?? '';
  return { envId, ...(broker ? { broker } : {}), ...(bullKind ? { bullKind } : {}), source, selection, ...(trimmed ? { target: trimmed } : {}), ...(force === undefined ? {} : { force }) };
}

export function dryRunReplayJob({ client }: Services, request: JobRequest): Promise<Result<ResultOf<'replays.dryRun'>>> {
  return client.call('replays.dryRun', base(request));
}

/** Starts a job; `typed` (the DLQ's name as typed) for a bulk one, null otherwise. */
export function startReplayJob({ client }: Services, request: JobRequest, pace: { rate: number | null; batch: number }, typed: string | null): Promise<Result<ResultOf<'replays.start'>>> {
  const call = (confirmToken?: string) => client.call('replays.start', { ...base(request), ...(pace.rate ? { rate: pace.rate } : {}), batch: pace.batch, ...(confirmToken ? { confirmToken } : {}) });
  return typed === null ? call() : withConfirmation(client, { envId: request.envId, action: 'dlq.replay', target: request.source, typed }, call);
}

export function controlReplayJob({ client }: Services, envId: string, id: string, action: 'pause' | 'resume' | 'cancel'): Promise<Result<ResultOf<'replays.pause'>>> {
  return client.call(`replays.${action}`, { envId, id });
}
