export * from './lib/temp-dir';
export * from './lib/postgres-harness';
export * from './lib/eventually';
export * from './lib/seeded-random';
