import { describe, expect, it } from 'vitest';
import type { ProcessorStatus, WorkersView } from '../../../shared/model/workers';
import {
  applyWorkersError,
  applyWorkersViews,
  describeProcessorState,
  destinationsBlockedReason,
  formatRate,
  initialWorkersState,
  openCircuitsOf,
  retainWorkers,
  settingsChange,
  sortProcessors,
  startBacklog,
  summarizeWorkers,
  workersBlockedReason,
  workersSummaryText,
} from '../../../renderer/src/stores/workers.logic';
import { environmentView, group, overview, queue, stream } from './fixtures';

const processor = (name: ProcessorStatus['name'], overrides: Partial<ProcessorStatus> = {}): ProcessorStatus => ({
  name,
  title: `${name} processor`,
  source: `security.${name}s`,
  group: `${name}-group`,
  consumer: `host-1-${name}`,
  state: 'stopped',
  settings: { concurrency: 1, batch: 10 },
  counters: { processed: 0, failures: 0, retries: 0, deadLettered: 0, duplicates: 0, reclaimed: 0 },
  ratePerSec: 0,
  inFlight: 0,
  lastError: null,
  unavailable: null,
  ...overrides,
});
const view = (envId: string, at: number, processors: ProcessorStatus[] = [processor('event')]): WorkersView => ({ envId, at, isRunning: processors.some((p) => p.state !== 'stopped'), isolation: 'thread', processors });

describe('workers store logic', () => {
  it('merges views per environment, newest wins, a late older answer is ignored', () => {
    let state = applyWorkersViews(initialWorkersState, [view('a', 10), view('b', 10)]);
    expect(Object.keys(state.byEnv)).toEqual(['a', 'b']);
    const running = view('a', 20, [processor('event', { state: 'running', ratePerSec: 12 })]);
    state = applyWorkersViews(state, [running], 3);
    expect(state.byEnv.a).toBe(running);
    expect(state.droppedTotal).toBe(3);
    // A slow workers.list answer from before the push does not bring "stopped" back.
    expect(applyWorkersViews(state, [view('a', 15)])).toBe(state);
    // Nothing new: the same state object (no re-render).
    expect(applyWorkersViews(state, [])).toBe(state);
  });

  it('keeps the last view when a load fails and clears the error with the next view', () => {
    let state = applyWorkersViews(initialWorkersState, [view('a', 1)]);
    state = applyWorkersError(state, 'a', 'Redis is not reachable');
    expect(state.errors.a).toBe('Redis is not reachable');
    expect(state.byEnv.a).toBeDefined();
    expect(applyWorkersError(state, 'a', 'Redis is not reachable')).toBe(state);
    state = applyWorkersViews(state, [view('a', 2)]);
    expect(state.errors.a).toBeUndefined();
  });

  it('forgets removed environments', () => {
    let state = applyWorkersViews(initialWorkersState, [view('a', 1), view('b', 1)]);
    state = applyWorkersError(state, 'b', 'x');
    const kept = retainWorkers(state, new Set(['a']));
    expect(Object.keys(kept.byEnv)).toEqual(['a']);
    expect(kept.errors).toEqual({});
    expect(retainWorkers(kept, new Set(['a', 'z']))).toBe(kept);
  });

  it('puts failing processors first and what cannot run last, keeping the host order within a rank', () => {
    const sorted = sortProcessors([
      processor('event', { state: 'running' }),
      processor('slack', { unavailable: 'no Slack webhook URL configured' }),
      processor('alert', { state: 'stopped' }),
      processor('scan', { state: 'failing', lastError: { message: 'ECONNREFUSED', at: 1 } }),
      processor('metrics', { state: 'paused' }),
      processor('email', { state: 'running' }),
    ]);
    expect(sorted.map((p) => p.name)).toEqual(['scan', 'event', 'email', 'metrics', 'alert', 'slack']);
  });

  it('gives each state a badge with words and a colour', () => {
    expect(describeProcessorState({ state: 'running', unavailable: null })).toEqual({ tone: 'ok', text: 'Running' });
    expect(describeProcessorState({ state: 'paused' })).toEqual({ tone: 'warn', text: 'Paused' });
    expect(describeProcessorState({ state: 'failing', unavailable: null })).toEqual({ tone: 'bad', text: 'Failing' });
    expect(describeProcessorState({ state: 'stopped', unavailable: null })).toEqual({ tone: 'muted', text: 'Stopped' });
    expect(describeProcessorState({ state: 'stopped', unavailable: 'this environment has no RabbitMQ' })).toEqual({ tone: 'muted', text: 'Unavailable' });
  });

  it('summarizes in one line: running, failing, total rate', () => {
    const summary = summarizeWorkers([
      view('a', 1, [
        processor('event', { state: 'running', ratePerSec: 2000 }),
        processor('alert', { state: 'running', ratePerSec: 300.4 }),
        processor('scan', { state: 'failing', ratePerSec: 9.6 }),
        processor('slack', { unavailable: 'no destination' }),
      ]),
      view('b', 1, [processor('event', { state: 'running' }), processor('metrics', { state: 'running' }), processor('alert')]),
    ]);
    expect(summary).toMatchObject({ running: 4, failing: 1, stopped: 1, unavailable: 1 });
    expect(workersSummaryText(summary)).toBe('4 running · 1 failing · 2,310 msg/s');
    // An idle console says what is there instead of only "0 running".
    expect(workersSummaryText(summarizeWorkers([view('a', 1, [processor('event'), processor('slack', { unavailable: 'x' })])]))).toBe('0 running · 1 stopped · 1 unavailable · 0 msg/s');
    expect(workersSummaryText(summarizeWorkers([view('a', 1, [processor('event', { state: 'paused' })])]))).toBe('0 running · 1 paused · 0 msg/s');
    expect(formatRate(4.54)).toBe('4.5');
  });

  it('lists the circuit breakers still open, soonest first', () => {
    const p = processor('slack', { openCircuits: { 'hooks.slack.com': 5000, 'smtp.example.com': 3000, old: 500 } });
    expect(openCircuitsOf(p, 1000)).toEqual([
      { destination: 'smtp.example.com', until: 3000 },
      { destination: 'hooks.slack.com', until: 5000 },
    ]);
    expect(openCircuitsOf(processor('event'), 1000)).toEqual([]);
  });

  it('says why the controls are disabled: viewer role, read-only; destinations need admin', () => {
    expect(workersBlockedReason(environmentView())).toBeNull();
    expect(workersBlockedReason(environmentView({ role: 'viewer', readOnly: true }))).toMatch(/role on Local is viewer/);
    expect(workersBlockedReason(environmentView({ readOnly: true }))).toMatch(/Local is read-only/);
    expect(destinationsBlockedReason(environmentView({ role: 'operator' }))).toMatch(/needs admin/);
    expect(destinationsBlockedReason(environmentView({ readOnly: true }))).toMatch(/read-only/);
    expect(destinationsBlockedReason(environmentView())).toBeNull();
  });

  it('reads the concurrency and batch fields: only what changed, or why they are wrong', () => {
    const current = { concurrency: 5, batch: 50 };
    expect(settingsChange(current, { concurrency: '5', batch: '50' })).toEqual({ ok: true, settings: {} });
    expect(settingsChange(current, { concurrency: ' 8 ', batch: '50' })).toEqual({ ok: true, settings: { concurrency: 8 } });
    expect(settingsChange(current, { concurrency: '5', batch: '200' })).toEqual({ ok: true, settings: { batch: 200 } });
    expect(settingsChange(current, { concurrency: '0', batch: '50' })).toMatchObject({ ok: false, message: expect.stringMatching(/Concurrency .* 1 to 32/) });
    expect(settingsChange(current, { concurrency: '2.5', batch: '50' })).toMatchObject({ ok: false });
    expect(settingsChange(current, { concurrency: '5', batch: '' })).toMatchObject({ ok: false, message: expect.stringMatching(/Batch .* 1 to 5,000/) });
    expect(settingsChange(current, { concurrency: '5', batch: '5001' })).toMatchObject({ ok: false });
  });
});

describe('startBacklog: what "Start all" begins with', () => {
  const processors = [
    processor('event', { source: 'security.events', group: 'event-processors' }),
    processor('alert', { source: 'security.alerts', group: 'alert-processors' }),
    processor('slack', { source: 'security.notifications', group: 'notifiers', state: 'running' }),
    processor('rabbit-alerts', { source: 'alert_queue', group: '' }),
    processor('scan', { source: 'security.scans', group: 'scanners', unavailable: 'no database' }),
    processor('escalation', { source: 'watchfloor:alerts:due', group: '' }),
  ];
  const sampled = {
    ...overview('e', 1, [
      stream('security.events', 12_000, { groups: [group('event-processors', { lag: 9_000, pending: 200 })] }),
      stream('security.alerts', 700),
      stream('security.notifications', 50, { groups: [group('notifiers', { lag: 50 })] }),
      stream('security.scans', 10, { groups: [group('scanners', { lag: 10 })] }),
    ]),
    amqp: { status: { state: 'connected' as const, since: 1 }, source: 'management' as const, queues: [queue('alert_queue', 40)], staleSince: null, note: null },
  };

  it("counts an existing group's lag and pending, a queue's ready messages; skips running and unavailable processors", () => {
    const backlog = startBacklog(processors, sampled, false);
    expect(backlog.parts.map((p) => [p.processor, p.waiting, p.basis])).toEqual([
      ['event', 9_200, 'group'],
      ['rabbit-alerts', 40, 'queue'],
    ]);
    // A new group starts at the stream's end: security.alerts' 700 entries are not counted.
    expect(backlog.total).toBe(9_240);
    expect(backlog.unknown).toEqual([]);
  });

  it('with "from the first entry" a group this start creates counts the whole stream', () => {
    const backlog = startBacklog(processors, sampled, true);
    expect(backlog.parts.find((p) => p.processor === 'alert')).toMatchObject({ waiting: 700, basis: 'history' });
    expect(backlog.total).toBe(9_940);
  });

  it('says what it cannot tell (no sample yet, lag unknown) instead of counting it as zero', () => {
    expect(startBacklog(processors, undefined, false)).toEqual({ total: 0, parts: [], unknown: ['event processor', 'alert processor', 'rabbit-alerts processor'] });
    const lagUnknown = { ...sampled, redis: { ...sampled.redis, streams: [stream('security.events', 5, { groups: [group('event-processors', { lag: null })] })] } };
    expect(startBacklog(processors.slice(0, 1), lagUnknown, false).unknown).toEqual(['event processor']);
  });
});
