import type { ProcessorSettings, ProcessorStatus, WorkersView } from '../../../shared/model/workers';
import type { EnvironmentOverview } from '../../../shared/model/overview';
import type { Tone } from '../components/format';

export interface WorkersState {
  /** envId → the latest view of its workers in this console's host. */
  byEnv: Readonly<Record<string, WorkersView>>;
  /** envId → why `workers.list` failed (cleared by the next view). */
  errors: Readonly<Record<string, string>>;
  /** Views the host coalesced since this page loaded (it keeps only the latest per environment). */
  droppedTotal: number;
}

export const initialWorkersState: WorkersState = { byEnv: {}, errors: {}, droppedTotal: 0 };

/**
 * Takes views from `workers.list`, an action's answer or a `workers.changed` push. A view older
 * than the one held (a late answer overtaken by a push) is ignored.
 */
export function applyWorkersViews(state: WorkersState, views: readonly WorkersView[], dropped = 0): WorkersState {
  let byEnv: Record<string, WorkersView> | null = null;
  let errors: Record<string, string> | null = null;
  for (const view of views) {
    const held = (byEnv ?? state.byEnv)[view.envId];
    if (held && view.at < held.at) continue;
    byEnv ??= { ...state.byEnv };
    byEnv[view.envId] = view;
    if ((errors ?? state.errors)[view.envId] !== undefined) {
      errors ??= { ...state.errors };
      delete errors[view.envId];
    }
  }
  if (byEnv === null && dropped === 0) return state;
  return { byEnv: byEnv ?? state.byEnv, errors: errors ?? state.errors, droppedTotal: state.droppedTotal + dropped };
}

/** `workers.list` failed for an environment: the last view (if any) stays, the reason is shown. */
export function applyWorkersError(state: WorkersState, envId: string, message: string): WorkersState {
  return state.errors[envId] === message ? state : { ...state, errors: { ...state.errors, [envId]: message } };
}

/** Forgets environments that no longer exist. */
export function retainWorkers(state: WorkersState, envIds: ReadonlySet<string>): WorkersState {
  const isGone = (id: string) => !envIds.has(id);
  if (!Object.keys(state.byEnv).some(isGone) && !Object.keys(state.errors).some(isGone)) return state;
  const keep = <T,>(record: Readonly<Record<string, T>>) => Object.fromEntries(Object.entries(record).filter(([id]) => envIds.has(id)));
  return { ...state, byEnv: keep(state.byEnv), errors: keep(state.errors) };
}

/** What a row's badge says: unavailable wins over the state (it cannot run here at all). */
export type DisplayState = ProcessorStatus['state'] | 'unavailable';

export function displayStateOf(processor: Pick<ProcessorStatus, 'state' | 'unavailable'>): DisplayState {
  return processor.unavailable && processor.state === 'stopped' ? 'unavailable' : processor.state;
}

const BADGES: Record<DisplayState, { tone: Tone; text: string }> = {
  failing: { tone: 'bad', text: 'Failing' },
  running: { tone: 'ok', text: 'Running' },
  starting: { tone: 'warn', text: 'Starting…' },
  paused: { tone: 'warn', text: 'Paused' },
  stopped: { tone: 'muted', text: 'Stopped' },
  unavailable: { tone: 'muted', text: 'Unavailable' },
};

/** The badge of a processor: its colour and its word (the colour is never the only signal). */
export function describeProcessorState(processor: Pick<ProcessorStatus, 'state' | 'unavailable'>): { tone: Tone; text: string } {
  return BADGES[displayStateOf(processor)];
}

/** Triage order: failing first, then working, paused, stopped, and what cannot run last. */
const ORDER: Record<DisplayState, number> = { failing: 0, starting: 1, running: 1, paused: 2, stopped: 3, unavailable: 4 };

/** Processors in triage order; within a rank, the host's order (the catalog's) is kept. */
export function sortProcessors(processors: readonly ProcessorStatus[]): ProcessorStatus[] {
  return processors
    .map((processor, index) => ({ processor, index }))
    .sort((a, b) => ORDER[displayStateOf(a.processor)] - ORDER[displayStateOf(b.processor)] || a.index - b.index)
    .map(({ processor }) => processor);
}

export interface WorkersSummary {
  running: number;
  starting: number;
  paused: number;
  failing: number;
  stopped: number;
  unavailable: number;
  ratePerSec: number;
}

/** Counts by state and the total rate, over one or several environments. */
export function summarizeWorkers(views: readonly WorkersView[]): WorkersSummary {
  const summary: WorkersSummary = { running: 0, starting: 0, paused: 0, failing: 0, stopped: 0, unavailable: 0, ratePerSec: 0 };
  for (const view of views) {
    for (const processor of view.processors) {
      summary[displayStateOf(processor)]++;
      summary.ratePerSec += processor.ratePerSec;
    }
  }
  return summary;
}

const RATE_FORMAT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const SMALL_RATE_FORMAT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

/** Messages per second as read at a glance: "2,310", "4.5", "0". */
export function formatRate(perSec: number): string {
  return perSec > 0 && perSec < 10 ? SMALL_RATE_FORMAT.format(perSec) : RATE_FORMAT.format(perSec);
}

/**
 * The one line on top: "4 running · 1 failing · 2,310 msg/s". States with no processor are left
 * out, except running (so "0 running" says nothing works); stopped and unavailable ones are
 * counted only when nothing else is (they are the normal state of an idle console).
 */
export function workersSummaryText(summary: WorkersSummary): string {
  const parts = [`${summary.running} running`];
  if (summary.starting > 0) parts.push(`${summary.starting} starting`);
  if (summary.paused > 0) parts.push(`${summary.paused} paused`);
  if (summary.failing > 0) parts.push(`${summary.failing} failing`);
  if (summary.running + summary.starting + summary.paused + summary.failing === 0) {
    if (summary.stopped > 0) parts.push(`${summary.stopped} stopped`);
    if (summary.unavailable > 0) parts.push(`${summary.unavailable} unavailable`);
  }
  parts.push(`${formatRate(summary.ratePerSec)} msg/s`);
  return parts.join(' · ');
}

/** Circuit breakers still open at `now`, soonest to close first. */
export function openCircuitsOf(processor: Pick<ProcessorStatus, 'openCircuits'>, now: number): { destination: string; until: number }[] {
  return Object.entries(processor.openCircuits ?? {})
    .filter(([, until]) => until > now)
    .map(([destination, until]) => ({ destination, until }))
    .sort((a, b) => a.until - b.until || a.destination.localeCompare(b.destination));
}

/** Why start, pause, resume and configure are disabled on an environment, or null. */
export function workersBlockedReason(env: { name: string; readOnly: boolean; role: string }): string | null {
  if (env.role === 'viewer') return `Your role on ${env.name} is viewer: running workers needs operator or admin.`;
  if (env.readOnly) return `${env.name} is read-only: switch it to write mode (banner on top) to start, pause or configure workers.`;
  return null;
}

/** Why the notification destinations cannot be saved here, or null (the host asks for admin). */
export function destinationsBlockedReason(env: { name: string; readOnly: boolean; role: string }): string | null {
  if (env.role !== 'admin') return `Your role on ${env.name} is ${env.role}: changing notification destinations needs admin.`;
  if (env.readOnly) return `${env.name} is read-only: switch it to write mode (banner on top) to change notification destinations.`;
  return null;
}

/**
 * Reads the concurrency and batch fields of a row: the settings that changed, or why they are
 * not valid. Nothing changed gives an empty object.
 */
export function settingsChange(current: ProcessorSettings, typed: { concurrency: string; batch: string }): { ok: true; settings: Partial<ProcessorSettings> } | { ok: false; message: string } {
  const settings: Partial<ProcessorSettings> = {};
  const fields = [
    { key: 'concurrency', label: 'Concurrency', max: 32 },
    { key: 'batch', label: 'Batch', max: 5000 },
  ] as const;
  for (const { key, label, max } of fields) {
    const text = typed[key].trim();
    const value = Number(text);
    if (text === '' || !Number.isInteger(value) || value < 1 || value > max) return { ok: false, message: `${label} must be a whole number from 1 to ${formatRate(max)}.` };
    if (value !== current[key]) settings[key] = value;
  }
  return { ok: true, settings };
}

/** What one processor would find waiting if it were started now. */
export interface BacklogPart {
  processor: string;
  title: string;
  source: string;
  /** Entries (or ready messages) it would work through. */
  waiting: number;
  /** How `waiting` was counted: the group's lag and pending, the stream's whole history (a new group from the first entry), the queue's ready messages. */
  basis: 'group' | 'history' | 'queue';
}

export interface Backlog {
  /** Sum over the processors: the work a start begins with. */
  total: number;
  /** The processors with something waiting, most first. */
  parts: BacklogPart[];
  /** Processors whose backlog cannot be told (lag unknown, broker not sampled): "at least". */
  unknown: string[];
}

/**
 * The backlog "Start all" would begin with, from the pushed overview: for each processor that is
 * stopped and can run, its consumer group's lag plus its pending entries; a group that does not
 * exist yet starts at the stream's end (nothing) or, with "from the first entry", at its whole
 * length; a RabbitMQ queue's ready messages. So an analyst knows before a start that 9,700
 * waiting events will turn into alerts at once.
 */
export function startBacklog(processors: readonly ProcessorStatus[], overview: EnvironmentOverview | undefined, fromStart: boolean): Backlog {
  const parts: BacklogPart[] = [];
  const unknown: string[] = [];
  const streams = new Map((overview?.redis.streams ?? []).map((s) => [s.name, s]));
  const queues = new Map((overview?.amqp.queues ?? []).map((q) => [q.name, q]));
  for (const p of processors) {
    if (p.state !== 'stopped' || p.unavailable) continue;
    const add = (waiting: number, basis: BacklogPart['basis']) => {
      if (waiting > 0) parts.push({ processor: p.name, title: p.title, source: p.source, waiting, basis });
    };
    // The escalation engine works a due-time set, not a backlog of entries.
    if (p.group === '' && !p.name.startsWith('rabbit-')) continue;
    if (p.group === '') {
      const queue = queues.get(p.source);
      if (queue) add(queue.ready, 'queue');
      else if (overview?.amqp.queues == null) unknown.push(p.title);
      continue;
    }
    const stream = streams.get(p.source);
    if (!stream) {
      // No such stream yet (nothing to do), or Redis not sampled (cannot tell).
      if (overview?.redis.streams == null || overview.redis.truncated) unknown.push(p.title);
      continue;
    }
    const group = stream.groups.find((g) => g.name === p.group);
    if (!group) add(fromStart ? stream.length : 0, 'history');
    else if (group.lag === null) unknown.push(p.title);
    else add(group.lag + group.pending, 'group');
  }
  parts.sort((a, b) => b.waiting - a.waiting);
  return { total: parts.reduce((n, part) => n + part.waiting, 0), parts, unknown };
}

/** Above this many waiting entries, "Start all" asks first. */
export const BACKLOG_CONFIRM_ABOVE = 1000;
