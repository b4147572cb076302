export * from './contract';
export * from './model/broker-url';
export * from './model/connection';
export * from './model/environment';
export * from './model/overview';
export * from './model/topology';
