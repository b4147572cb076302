import { useStore } from 'zustand';
import { SCREENS } from '../../actions/commands';
import { useServices } from '../../services';
import { badgeCount } from '../../stores/alerts.logic';
import { useSameRedis } from '../../components/use-same-redis';

const ITEMS = SCREENS.map(({ screen }) => ({ screen, command: `go.${screen}` as const }));

/** Left navigation; each entry is a command, so its key works the same as a click. */
export function NavBar() {
  const { commands, stores } = useServices();
  const current = useStore(stores.navigation, (state) => state.screen);
  const repeats = useSameRedis();
  const urgent = useStore(stores.alerts, (state) => badgeCount(state, repeats));
  return (
    <nav className="nav" aria-label="Screens">
      {ITEMS.map(({ screen, command: id }) => {
        const command = commands.get(id);
        const isCurrent = screen === current;
        return (
          <button
            key={screen}
            type="button"
            className={isCurrent ? 'nav-item nav-item-current' : 'nav-item'}
            aria-current={isCurrent ? 'page' : undefined}
            data-testid={`nav-${screen}`}
            aria-keyshortcuts={command.shortcut[0]}
            onClick={() => commands.run(id)}
          >
            <span>{command.title}</span>
            {screen === 'alerts' && urgent > 0 ? (
              <span className="nav-badge" data-testid="alerts-badge" title={`${urgent} open critical or high alerts`}>
                {urgent}
              </span>
            ) : null}
            {/* The hint is for eyes; the accessible name stays just the screen's name. */}
            <kbd className="nav-key" aria-hidden="true">
              {command.shortcut[0]}
            </kbd>
          </button>
        );
      })}
    </nav>
  );
}
