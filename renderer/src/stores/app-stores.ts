import { createStore, type StoreApi } from 'zustand/vanilla';
import type { TransportKind } from '../api/transport';
import { initialConnectionState, type ConnectionState } from './connection.logic';
import { initialDemoState, type DemoState } from './demo.logic';
import { initialEnvironmentsState, type EnvironmentsState } from './environments.logic';
import { initialNavigationState, type NavigationState } from './navigation.logic';
import { initialOverviewState, type OverviewState } from './overview.logic';
import { initialRulesState, type RulesStoreState } from './rules.logic';
import { initialBullState, type BullState } from './bullmq.logic';
import { initialAlertsState, type AlertsState } from './alerts.logic';
import { initialWorkersState, type WorkersState } from './workers.logic';
import { initialSilencesUiState, type SilencesUiState } from './silences.logic';

/**
 * One vanilla store per domain. They hold plain state only: every change goes through a pure
 * updater of a `*.logic.ts` file via `store.setState((state) => updater(state, …))`, so pushed
 * events can update them outside React and the updaters stay unit-testable.
 */
export interface AppStores {
  connection: StoreApi<ConnectionState>;
  environments: StoreApi<EnvironmentsState>;
  overview: StoreApi<OverviewState>;
  demo: StoreApi<DemoState>;
  navigation: StoreApi<NavigationState>;
  rules: StoreApi<RulesStoreState>;
  bullmq: StoreApi<BullState>;
  alerts: StoreApi<AlertsState>;
  workers: StoreApi<WorkersState>;
  /** The Silences screen's draft ("silence like this" fills it from an alert). */
  silences: StoreApi<SilencesUiState>;
}

export function createAppStores(transport: TransportKind): AppStores {
  return {
    connection: createStore<ConnectionState>()(() => initialConnectionState(transport)),
    environments: createStore<EnvironmentsState>()(() => initialEnvironmentsState),
    overview: createStore<OverviewState>()(() => initialOverviewState),
    demo: createStore<DemoState>()(() => initialDemoState),
    navigation: createStore<NavigationState>()(() => initialNavigationState),
    rules: createStore<RulesStoreState>()(() => initialRulesState),
    bullmq: createStore<BullState>()(() => initialBullState),
    alerts: createStore<AlertsState>()(() => initialAlertsState),
    workers: createStore<WorkersState>()(() => initialWorkersState),
    silences: createStore<SilencesUiState>()(() => initialSilencesUiState),
  };
}
