import { parseCheckpointPayload } from '../storage/postgres-session';
import type { BatchWriter } from './batch-writer';
import type { PositionWaiter } from './position-waiter';
import type { ProgressAnnouncer } from './progress-announcer';
import type { ProjectorState } from './projector-state';
import { DEFAULT_CHECKPOINT_NAME, describe, type ProjectorLogger } from './projector.types';

/**
 * A process that does not lead learns the checkpoint another process commits: from its
 * notifications (LISTEN/NOTIFY), from a re-read every `followerPollMs` while anyone waits, and from
 * the election tick; then wakes its waiters and has the announcer tell its listeners.
 */
export class Follower {
  private pollTimer: NodeJS.Timeout | null = null;
  private confirmingRewind = false;

  constructor(
    private readonly checkpointName: string,
    private readonly pollMs: number,
    private readonly state: ProjectorState,
    private readonly batches: BatchWriter,
    private readonly positions: PositionWaiter,
    private readonly announcer: ProgressAnnouncer,
    private readonly logger: ProjectorLogger,
  ) {}

  onNotification(payload: string): void {
    const position = parseCheckpointPayload(payload, this.checkpointName, DEFAULT_CHECKPOINT_NAME);
    if (position !== null && this.state.following()) this.observe(position);
  }

  /** Reads the committed checkpoint and, following, takes note of it. */
  async refresh(): Promise<number> {
    const position = await this.batches.readCheckpoint();
    if (this.state.following()) this.observe(position);
    return position;
  }

  /**
   * The leader has committed up to `position`. A position behind the one known is taken only when
   * a fresh read confirms it (the leader rebuilt): a slow read that started before a notification
   * arrived would otherwise move the checkpoint back.
   */
  observe(position: number, confirmed = false): void {
    const known = this.positions.position ?? 0;
    if (position < known && !confirmed) {
      void this.confirmRewind();
      return;
    }
    if (position < known) this.announcer.rewound(position, known);
    this.positions.advance(position);
    this.announcer.observed(position);
  }

  ensurePolling(): void {
    if (this.pollTimer !== null || !this.positions.waiting || !this.state.following()) return;
    this.pollTimer = setTimeout(() => {
      void this.refresh()
        .catch((error: unknown) => this.logger.warn(`Reading the projection checkpoint failed: ${describe(error)}`))
        .finally(() => {
          this.pollTimer = null;
          this.ensurePolling();
        });
    }, this.pollMs);
    this.pollTimer.unref();
  }

  stopPolling(): void {
    if (this.pollTimer !== null) clearTimeout(this.pollTimer);
    this.pollTimer = null;
  }

  private async confirmRewind(): Promise<void> {
    if (this.confirmingRewind) return;
    this.confirmingRewind = true;
    try {
      const position = await this.batches.readCheckpoint();
      if (this.state.following()) this.observe(position, position < (this.positions.position ?? 0));
    } catch (error) {
      this.logger.warn(`Reading the projection checkpoint failed: ${describe(error)}`);
    } finally {
      this.confirmingRewind = false;
    }
  }
}
