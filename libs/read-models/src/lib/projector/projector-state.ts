import type { ProjectorRole } from './projector.types';

/** Whether this projector runs, leads and applies: read by every part, changed by the facade and leadership. */
export class ProjectorState {
  live = false;
  leading = false;
  /** Moves on every stop() and loss of the lead: runs started before it end at their next batch. */
  generation = 0;
  /** A rebuild holds the live subscription off. */
  paused = false;

  constructor(readonly role: ProjectorRole) {}

  mayApply(): boolean {
    return this.role === 'candidate' && (!this.live || this.leading);
  }

  /** Someone else applies the log: this process learns the checkpoint from the database. */
  following(): boolean {
    return this.role === 'follower' || (this.live && !this.leading);
  }
}
