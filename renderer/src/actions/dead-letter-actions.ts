import type { Result, ResultOf } from '../../../shared/contract';
import type { BullDeadSource } from '../../../shared/model/bull-dlq';
import type { DlqMatch } from '../../../shared/model/dlq-search';
import { withConfirmation } from '../api/confirm';
import type { AppServices } from '../services';

/**
 * Every state-changing dead-letter call of the renderer (issue 16): Redis DLQ replays (dry runs
 * too, which the host audits as writes), the edited replay, BullMQ retries and RabbitMQ replays.
 * The dead-letter views keep no store of their own: callers reload what they show on success.
 *
 * A bulk call passes `typed`, the name the analyst typed, which buys the one-time confirmation
 * token first; `null` means no confirmation is needed (the contract's `confirm.when` agrees).
 */

type Services = Pick<AppServices, 'client'>;

/** The entries of a Redis DLQ a replay takes: these ids, every entry, or every entry matching a search. */
export type ReplaySelection = string[] | 'all' | { match: DlqMatch };

export interface ReplayOptions {
  /** Replay entries past the loop guard too. */
  force?: boolean;
  /** A stream to send to instead of each entry's origin (blank: the origin). */
  target?: string;
}

function replayParams(envId: string, source: string, selection: ReplaySelection, { force, target }: ReplayOptions) {
  const trimmed = target?.trim() ?? '';
  return {
    envId,
    source,
    ...(force === undefined ? {} : { force }),
    ...(selection === 'all' ? { all: true } : Array.isArray(selection) ? { ids: selection } : { match: selection.match }),
    ...(trimmed ? { target: trimmed } : {}),
  };
}

/** What replaying these entries would do (targets, refusals, the target processor's check); nothing moves. */
export function dryRunReplay({ client }: Services, envId: string, source: string, selection: ReplaySelection, options: ReplayOptions = {}): Promise<Result<ResultOf<'dlq.replay'>>> {
  return client.call('dlq.replay', { ...replayParams(envId, source, selection, options), dryRun: true });
}

/** Replays entries of a Redis DLQ back to their origin (or `options.target`): copy, then remove, one entry at a time. */
export function replayDeadLetters(
  { client }: Services,
  envId: string,
  source: string,
  selection: ReplaySelection,
  options: ReplayOptions,
  typed: string | null,
): Promise<Result<ResultOf<'dlq.replay'>>> {
  const call = (confirmToken?: string) => client.call('dlq.replay', { ...replayParams(envId, source, selection, options), ...(confirmToken ? { confirmToken } : {}) });
  return typed === null ? call() : withConfirmation(client, { envId, action: 'dlq.replay', target: source, typed }, call);
}

/** Replays one Redis dead letter with an edited payload (the host audits the original and the diff). */
export function replayEditedDeadLetter({ client }: Services, envId: string, source: string, id: string, payload: string): Promise<Result<ResultOf<'dlq.replayEdited'>>> {
  return client.call('dlq.replayEdited', { envId, source, id, payload });
}

/** Retries failed BullMQ jobs, or moves the jobs of a `{queue}-dlq` queue back to their queue. */
export function retryBullDeadJobs(
  { client }: Services,
  envId: string,
  source: Pick<BullDeadSource, 'queue' | 'kind'>,
  ids: string[] | 'all',
  typed: string | null,
): Promise<Result<ResultOf<'dlq.bullRetry'>>> {
  const call = (confirmToken?: string) => client.call('dlq.bullRetry', { envId, queue: source.queue, kind: source.kind, ...(ids === 'all' ? { all: true } : { ids }), ...(confirmToken ? { confirmToken } : {}) });
  return typed === null ? call() : withConfirmation(client, { envId, action: 'dlq.replay', target: source.queue, typed }, call);
}

/** What replaying `count` messages from the head of a RabbitMQ DLQ would do; nothing moves. */
export function dryRunRabbitReplay({ client }: Services, envId: string, queue: string, count: number): Promise<Result<ResultOf<'dlq.rabbitReplay'>>> {
  return client.call('dlq.rabbitReplay', { envId, queue, count, dryRun: true });
}

/** Replays `count` messages from the head of a RabbitMQ DLQ with publisher confirms (a dead letter is acked after its copy is confirmed). */
export function replayRabbitDeadLetters({ client }: Services, envId: string, queue: string, count: number, typed: string | null): Promise<Result<ResultOf<'dlq.rabbitReplay'>>> {
  const call = (confirmToken?: string) => client.call('dlq.rabbitReplay', { envId, queue, count, ...(confirmToken ? { confirmToken } : {}) });
  return typed === null ? call() : withConfirmation(client, { envId, action: 'dlq.replay', target: queue, typed }, call);
}
