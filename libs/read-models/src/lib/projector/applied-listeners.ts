import { describe, stackOf, type AppliedBatch, type AppliedListener, type ProjectorLogger } from './projector.types';

export class AppliedListeners {
  private readonly listeners = new Set<AppliedListener>();

  constructor(private readonly logger: ProjectorLogger) {}

  get size(): number {
    return this.listeners.size;
  }

  add(listener: AppliedListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  notify(batch: AppliedBatch): void {
    for (const listener of this.listeners) {
      try {
        listener(batch);
      } catch (error) {
        // The batch is committed; a failing listener (an SSE client, a cache) must not undo or stop it.
        this.logger.error(`Projection listener failed: ${describe(error)}`, stackOf(error));
      }
    }
  }
}
