import type { WatchfloorClient } from '../api/client';
import type { EnvironmentView } from '../../../shared/model/environment';
import type { AlertSummary } from '../../../shared/model/alerts';
import type { AppStores } from './app-stores';
import { setSyncError } from './connection.logic';
import { applyDemoStatus, retainDemoStatuses } from './demo.logic';
import { setEnvironments } from './environments.logic';
import { forgetRemovedEnvironment } from './navigation.logic';
import { applyOverviews, retainOverviews } from './overview.logic';
import { applyFiring, applyRulesState, retainRules } from './rules.logic';
import { applyBullOverviews, retainBull } from './bullmq.logic';
import { applyAlertChanges, applyAlertError, applyAlertList, retainAlerts } from './alerts.logic';
import { applyWorkersError, applyWorkersViews, retainWorkers } from './workers.logic';
import { ALERT_LOAD_PAGE, combineAlertPages, nextAlertOffset, type AlertListPage } from './alert-load.logic';

/**
 * Keeps the stores in step with the host, outside React: subscribes to pushed events and reloads
 * everything each time the link (re)opens, since pushes sent while disconnected are gone.
 * Returns a function that stops it.
 */
export function startSync(client: WatchfloorClient, stores: AppStores): () => void {
  const alertPushes = coalescedAlertPushes((batches) =>
    stores.alerts.setState((state) => batches.reduce((s, [envId, alerts]) => applyAlertChanges(s, envId, alerts), state), true),
  );
  const unsubscribers = [
    alertPushes.stop,
    client.on('overview.tick', ({ overviews, dropped }) => stores.overview.setState((state) => applyOverviews(state, overviews, dropped), true)),
    client.on('environments.changed', ({ environments }) => receiveEnvironments(client, stores, environments)),
    client.on('demo.status', (status) => stores.demo.setState((state) => applyDemoStatus(state, status), true)),
    client.on('rules.firing', ({ updates }) => stores.rules.setState((state) => applyFiring(state, updates), true)),
    client.on('bullmq.tick', ({ overviews }) => stores.bullmq.setState((state) => applyBullOverviews(state, overviews), true)),
    client.on('alerts.changed', ({ envId, alerts }) => alertPushes.push(envId, alerts)),
    client.on('workers.changed', ({ views, dropped }) => stores.workers.setState((state) => applyWorkersViews(state, views, dropped), true)),
  ];
  let wasOpen = false;
  const onConnection = () => {
    const isOpen = stores.connection.getState().state === 'open';
    if (isOpen && !wasOpen) void reload(client, stores);
    wasOpen = isOpen;
  };
  unsubscribers.push(stores.connection.subscribe(onConnection));
  onConnection();
  return () => unsubscribers.forEach((unsubscribe) => unsubscribe());
}

/** Pushed alert changes applied at most every this many ms while they keep coming (at least). */
export const ALERT_PUSH_INTERVAL_MS = 100;
/** …and at most this long apart, however long an apply takes. */
export const ALERT_PUSH_MAX_INTERVAL_MS = 1000;

/**
 * Alert pushes, applied together: each apply copies and re-sorts an environment's alerts and
 * renders the list (a synchronous render: a store change), O(n) at 100,000 alerts, so an
 * escalation storm of dozens of pushes a second kept the page busy and typing in the filter
 * waited behind it. The first push after a quiet spell is applied at once (an acknowledgment on
 * another console shows without delay); pushes that follow wait for the next apply, all in one
 * store change, spaced by four times what the last apply cost (its render included: measured to
 * the next task) so a storm takes at most a fifth of the page's time.
 */
export function coalescedAlertPushes(
  apply: (batches: [envId: string, alerts: AlertSummary[]][]) => void,
  options: { minMs?: number; maxMs?: number; clock?: () => number } = {},
): { push: (envId: string, alerts: readonly AlertSummary[]) => void; stop: () => void } {
  const { minMs = ALERT_PUSH_INTERVAL_MS, maxMs = ALERT_PUSH_MAX_INTERVAL_MS, clock = () => performance.now() } = options;
  const pending = new Map<string, AlertSummary[]>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let nextAt = Number.NEGATIVE_INFINITY;
  let isStopped = false;
  const flush = () => {
    timer = null;
    if (!pending.size || isStopped) return;
    const batches = [...pending.entries()];
    pending.clear();
    const started = clock();
    nextAt = started + minMs;
    apply(batches);
    // The render a store change causes runs before the next task: time up to it.
    setTimeout(() => {
      nextAt = started + Math.min(maxMs, Math.max(minMs, 4 * (clock() - started)));
    }, 0);
  };
  return {
    push(envId, alerts) {
      const held = pending.get(envId);
      if (held) held.push(...alerts);
      else pending.set(envId, [...alerts]);
      if (timer !== null) return;
      const wait = nextAt - clock();
      if (wait <= 0) flush();
      else timer = setTimeout(flush, wait);
    },
    stop() {
      isStopped = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      pending.clear();
    },
  };
}

/** Loads environments, overviews and demo statuses; what fails is reported, what succeeds is shown. */
export async function reload(client: WatchfloorClient, stores: AppStores): Promise<void> {
  const [environments, overviews] = await Promise.all([client.call('environments.list', {}), client.call('overview.get', {})]);
  const problems: string[] = [];
  if (environments.ok) await receiveEnvironments(client, stores, environments.value, true);
  else problems.push(`environments: ${environments.error.message}`);
  if (overviews.ok) stores.overview.setState((state) => applyOverviews(state, overviews.value), true);
  else problems.push(`overview: ${overviews.error.message}`);
  stores.connection.setState((state) => setSyncError(state, problems.length > 0 ? `Could not load ${problems.join('; ')}` : null), true);
}

async function receiveEnvironments(
  client: WatchfloorClient,
  stores: AppStores,
  environments: readonly EnvironmentView[],
  isFullReload = false,
): Promise<void> {
  const known = new Set(Object.keys(stores.demo.getState().byEnv));
  const ids = new Set(environments.map((env) => env.id));
  stores.environments.setState((state) => setEnvironments(state, environments), true);
  stores.overview.setState((state) => retainOverviews(state, ids), true);
  stores.demo.setState((state) => retainDemoStatuses(state, ids), true);
  stores.navigation.setState((state) => forgetRemovedEnvironment(state, ids), true);
  stores.rules.setState((state) => retainRules(state, ids), true);
  stores.bullmq.setState((state) => retainBull(state, ids), true);
  stores.alerts.setState((state) => retainAlerts(state, ids), true);
  stores.workers.setState((state) => retainWorkers(state, ids), true);
  // Demo statuses are pushed only on change: ask once for environments this page has not seen.
  const toAsk = environments.filter((env) => isFullReload || !known.has(env.id));
  const statuses = await Promise.all(toAsk.map((env) => client.call('demo.status', { envId: env.id })));
  for (const status of statuses) {
    if (status.ok) stores.demo.setState((state) => applyDemoStatus(state, status.value), true);
  }
  const rules = await Promise.all(toAsk.map((env) => client.call('rules.get', { envId: env.id })));
  for (const answer of rules) if (answer.ok) stores.rules.setState((state) => applyRulesState(state, answer.value), true);
  // BullMQ overviews are pushed on each tick; ask once so the panel does not wait for the next one.
  const bull = await Promise.all(toAsk.map((env) => client.call('bullmq.queues', { envId: env.id })));
  const overviews = bull.flatMap((answer) => (answer.ok ? [answer.value] : []));
  if (overviews.length > 0) stores.bullmq.setState((state) => applyBullOverviews(state, overviews), true);
  // Alerts: the full list once per (re)connect; changes arrive as pushes after that.
  await Promise.all(toAsk.filter((env) => env.redis !== null).map((env) => loadAlerts(client, stores, env.id)));
  // Workers: their state once per (re)connect; `workers.changed` pushes follow every change.
  await Promise.all(toAsk.map((env) => loadWorkers(client, stores, env.id)));
}

/** Loads the workers of one environment as this console's host runs them (or would). */
export async function loadWorkers(client: WatchfloorClient, stores: AppStores, envId: string): Promise<void> {
  const answer = await client.call('workers.list', { envId });
  if (answer.ok) stores.workers.setState((state) => applyWorkersViews(state, [answer.value]), true);
  else stores.workers.setState((state) => applyWorkersError(state, envId, answer.error.message), true);
}

/**
 * Loads every alert of one environment (up to MAX_ALERTS_LOADED, newest first), a page of
 * ALERT_LOAD_PAGE per call, and puts them in the store at once; alerts pushed meanwhile are kept.
 */
export function loadAlerts(client: WatchfloorClient, stores: AppStores, envId: string): Promise<void> {
  // One load of an environment at a time (a retry while a load of 100,000 runs joins it).
  const running = ALERT_LOADS.get(stores) ?? new Map<string, Promise<void>>();
  ALERT_LOADS.set(stores, running);
  let load = running.get(envId);
  if (!load) {
    load = loadAllAlerts(client, stores, envId).finally(() => running.delete(envId));
    running.set(envId, load);
  }
  return load;
}

const ALERT_LOADS = new WeakMap<AppStores, Map<string, Promise<void>>>();

async function loadAllAlerts(client: WatchfloorClient, stores: AppStores, envId: string): Promise<void> {
  const before = stores.alerts.getState().byEnv[envId]?.byId ?? {};
  const pages: AlertListPage[] = [];
  for (let offset: number | null = 0; offset !== null; offset = nextAlertOffset(pages[pages.length - 1]!)) {
    const answer = await client.call('alerts.list', { envId, limit: ALERT_LOAD_PAGE, offset });
    if (!answer.ok) return stores.alerts.setState((state) => applyAlertError(state, envId, answer.error.message), true);
    pages.push(answer.value);
  }
  stores.alerts.setState((state) => applyAlertList(state, combineAlertPages(pages), before), true);
}
