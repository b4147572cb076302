export * from './errors';
export * from './result';
export * from './methods';
export * from './events';
export * from './wire';
export * from './pending-calls';
