import type { WatchfloorClient } from '../api/client';
import type { EnvironmentView } from '../../../shared/model/environment';
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

/**
 * Keeps the stores in step with the host, outside React: subscribes to pushed events and reloads
 * everything each time the link (re)opens, since pushes sent while disconnected are gone.
 * Returns a function that stops it.
 */
export function startSync(client: WatchfloorClient, stores: AppStores): () => void {
  const unsubscribers = [
    client.on('overview.tick', ({ overviews, dropped }) => stores.overview.setState((state) => applyOverviews(state, overviews, dropped), true)),
    client.on('environments.changed', ({ environments }) => receiveEnvironments(client, stores, environments)),
    client.on('demo.status', (status) => stores.demo.setState((state) => applyDemoStatus(state, status), true)),
    client.on('rules.firing', ({ updates }) => stores.rules.setState((state) => applyFiring(state, updates), true)),
    client.on('bullmq.tick', ({ overviews }) => stores.bullmq.setState((state) => applyBullOverviews(state, overviews), true)),
    client.on('alerts.changed', ({ envId, alerts }) => stores.alerts.setState((state) => applyAlertChanges(state, envId, alerts), true)),
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

/** Loads the alerts of one environment (up to 20,000, newest first). */
export async function loadAlerts(client: WatchfloorClient, stores: AppStores, envId: string): Promise<void> {
  const answer = await client.call('alerts.list', { envId, limit: 20_000 });
  if (answer.ok) stores.alerts.setState((state) => applyAlertList(state, answer.value), true);
  else stores.alerts.setState((state) => applyAlertError(state, envId, answer.error.message), true);
}
