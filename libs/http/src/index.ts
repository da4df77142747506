export * from './lib/causeway.module';
export * from './lib/create-app';
export * from './lib/problem/problem';
export * from './lib/tokens';
export * from './lib/bootstrap';
export * from './lib/event-store/event-store.factory';
