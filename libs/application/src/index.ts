export * from './lib/clock.port';
export * from './lib/command-handler';
export * from './lib/errors';
export * from './lib/idempotency.port';
export * from './lib/ids';
export * from './lib/api-key-commands';
export * from './lib/incident-commands';
export * from './lib/rca-commands';
