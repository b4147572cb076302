import { useStore } from 'zustand';
import { useKeyboardShortcuts } from '../../actions/use-keyboard-shortcuts';
import { useServices } from '../../services';
import { EventsScreen } from '../events/events-screen';
import { EnvironmentsScreen } from '../environments/environments-screen';
import { OverviewScreen } from '../overview/overview-screen';
import { PubSubScreen } from '../pubsub/pubsub-screen';
import { DeadLettersScreen } from '../dead-letters/dead-letters-screen';
import { AlertsScreen } from '../alerts/alerts-screen';
import { AuditScreen } from '../alerts/audit-screen';
import { QueuesScreen } from '../queues/queues-screen';
import { RulesScreen } from '../rules/rules-screen';
import { StreamsScreen } from '../streams/streams-screen';
import { WorkersScreen } from '../workers/workers-screen';
import { SilencesScreen } from '../silences/silences-screen';
import type { Screen } from '../../stores/navigation.logic';
import { ConnectionBanner } from './connection-banner';
import { NavBar } from './nav-bar';
import { ProductionBanners } from './production-banners';
import { TopBar } from './top-bar';

const SCREEN_COMPONENTS: Record<Screen, () => React.JSX.Element> = {
  overview: OverviewScreen,
  streams: StreamsScreen,
  queues: QueuesScreen,
  pubsub: PubSubScreen,
  rules: RulesScreen,
  environments: EnvironmentsScreen,
  deadletters: DeadLettersScreen,
  alerts: AlertsScreen,
  audit: AuditScreen,
  workers: WorkersScreen,
  events: EventsScreen,
  silences: SilencesScreen,
};

/** The shell: top bar, production banners, left navigation and the current screen. */
export function App() {
  const services = useServices();
  useKeyboardShortcuts(services.commands);
  const screen = useStore(services.stores.navigation, (state) => state.screen);
  const Current = SCREEN_COMPONENTS[screen];
  return (
    <div className="app">
      <TopBar />
      <ConnectionBanner />
      <ProductionBanners />
      <div className="app-body">
        <NavBar />
        <main className="screen" aria-live="off">
          <Current />
        </main>
      </div>
    </div>
  );
}
