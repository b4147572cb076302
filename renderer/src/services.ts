import { createContext, useContext } from 'react';
import type { CommandRegistry } from './actions/commands';
import type { WatchfloorClient } from './api/client';
import type { AppStores } from './stores/app-stores';

/** Everything components need from outside React, provided once at the root. */
export interface AppServices {
  client: WatchfloorClient;
  stores: AppStores;
  commands: CommandRegistry;
}

export const ServicesContext = createContext<AppServices | null>(null);

/** The app's services; throws if a component is rendered outside the root provider. */
export function useServices(): AppServices {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices() used outside <ServicesContext>');
  return services;
}
