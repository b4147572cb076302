export * from './errors';
export * from './result';
export * from './methods';
export * from './events';
export * from './wire';
