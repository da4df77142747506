// The adapter contract suite: each adapter lib's integration spec runs it against its own store.
export * from './event-store-contract';
export { newTestEvent } from './event-store-contract.fixtures';
