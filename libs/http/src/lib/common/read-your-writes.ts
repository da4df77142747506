/**
 * How long a command waits for the projector to apply its events (read-your-writes) before it
 * answers anyway: the read models, the timeline and the key lookup then show what it wrote.
 */
export const READ_YOUR_WRITES_TIMEOUT_MS = 10_000;
