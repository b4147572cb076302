import { useStore } from 'zustand';
import { useKeyboardShortcuts } from '../../actions/use-keyboard-shortcuts';
import { useServices } from '../../services';
import { EnvironmentsScreen } from '../environments/environments-screen';
import { OverviewScreen } from '../overview/overview-screen';
import { ConnectionBanner } from './connection-banner';
import { NavBar } from './nav-bar';
import { ProductionBanners } from './production-banners';
import { TopBar } from './top-bar';

/** The shell: top bar, production banners, left navigation and the current screen. */
export function App() {
  const services = useServices();
  useKeyboardShortcuts(services.commands);
  const screen = useStore(services.stores.navigation, (state) => state.screen);
  return (
    <div className="app">
      <TopBar />
      <ConnectionBanner />
      <ProductionBanners />
      <div className="app-body">
        <NavBar />
        <main className="screen" aria-live="off">
          {screen === 'overview' ? <OverviewScreen /> : <EnvironmentsScreen />}
        </main>
      </div>
    </div>
  );
}
