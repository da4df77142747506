export * from './lib/event-store.port';
export * from './lib/canonical-json';
export * from './lib/hash-chain';
export * from './lib/group-commit-queue';
export * from './lib/catch-up-subscription';
export * from './lib/sqlite/sqlite-event-store';
export * from './lib/sqlite/sqlite-event-store.migrations';
export * from './lib/event-store.factory';
