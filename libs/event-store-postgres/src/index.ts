export * from './lib/postgres-event-store';
export * from './lib/postgres-event-store.options';
export * from './lib/postgres-event-store.migrations';
export * from './lib/postgres-errors';
