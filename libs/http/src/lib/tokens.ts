/** Nest injection tokens for the ports this module wires to adapters. */
export const EVENT_STORE = Symbol('EVENT_STORE');
export const READ_MODEL_DATA_SOURCE = Symbol('READ_MODEL_DATA_SOURCE');
export const CAUSEWAY_ROLE = Symbol('CAUSEWAY_ROLE');
