import type { DataSource } from 'typeorm';
import { PostgresSession } from '../storage/postgres-session';
import type { ProjectorState } from './projector-state';
import { describe, ProjectorNotLeaderError, type ProjectorLogger, type ProjectorSettings } from './projector.types';

/** What leadership asks of the projector when the election turns. */
export interface LeadershipEvents {
  /** This process won the lock: it should start applying. */
  elected(): void;
  /** The lock's session is gone: whatever this process applied, it no longer leads. */
  lost(reason: unknown): Promise<void>;
  /** A checkpoint payload arrived on LISTEN. */
  notified(payload: string): void;
  /** Not leading: re-read the checkpoint (also what a lost connection kept this process from hearing). */
  refresh(): Promise<unknown>;
}

/**
 * Who applies the log. On SQLite one process does, and there is nothing to elect. On PostgreSQL
 * started candidates elect one leader with an advisory lock held by a session of their own, which
 * also LISTENs for the leader's checkpoint; every `electionIntervalMs` a tick keeps the session
 * open, pings it while leading or tries for the lock otherwise.
 */
export class Leadership {
  private session: PostgresSession | null = null;
  private tickTimer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: ProjectorSettings,
    private readonly state: ProjectorState,
    private readonly events: LeadershipEvents,
    private readonly logger: ProjectorLogger,
  ) {}

  /** True once a session (with its LISTEN) is open: its notifications keep the checkpoint fresh. */
  get listening(): boolean {
    return this.session !== null;
  }

  /** Runs one election round now. */
  runTick(): Promise<void> {
    const run = this.tick().finally(() => {
      if (this.ticking === run) this.ticking = null;
    });
    this.ticking = run;
    return run;
  }

  /** The next round, `electionIntervalMs` after the last one ended, while the projector runs. */
  scheduleTick(): void {
    if (!this.state.live || this.tickTimer !== null) return;
    this.tickTimer = setTimeout(() => {
      this.tickTimer = null;
      void this.runTick().then(() => this.scheduleTick());
    }, this.settings.electionIntervalMs);
    this.tickTimer.unref();
  }

  /** No further rounds; resolves once the running one has ended. */
  async halt(): Promise<void> {
    if (this.tickTimer !== null) clearTimeout(this.tickTimer);
    this.tickTimer = null;
    await this.ticking;
  }

  /** Ends the session, which hands the leader lock to another projector. */
  async resign(): Promise<void> {
    const session = this.session;
    this.session = null;
    await session?.close();
  }

  /** On PostgreSQL, the session that holds the leader lock for a rebuild by a projector that was not started. */
  async lockForRebuild(): Promise<PostgresSession | null> {
    if (this.state.role === 'follower') throw new ProjectorNotLeaderError('a follower projector does not rebuild');
    if (!this.settings.multiProcess || this.state.leading) return null;
    if (this.state.live) throw new ProjectorNotLeaderError('another projector leads this database: rebuild there');
    const session = await PostgresSession.open(this.dataSource, { onLost: () => undefined, applicationName: 'causeway-rebuild' });
    if (await session.tryLock(this.settings.checkpointName)) return session;
    await session.close();
    throw new ProjectorNotLeaderError('another projector leads this database: stop it, or rebuild in that process');
  }

  /** Keeps the session open, holds or tries for the lead, and re-reads the checkpoint when following. */
  private async tick(): Promise<void> {
    if (!this.state.live) return;
    try {
      if (this.settings.multiProcess) {
        const session = this.session ?? (await this.openSession());
        if (this.state.leading) {
          await session.ping().catch((error: unknown) => this.dropSession(session, error));
          return;
        }
        if (this.state.role === 'candidate' && (await session.tryLock(this.settings.checkpointName))) {
          if (!this.state.live) return;
          this.logger.log('This projector leads: it applies the log');
          this.events.elected();
          return;
        }
      }
      await this.events.refresh();
    } catch (error) {
      this.logger.warn(`Projector election or checkpoint read failed; retrying in ${this.settings.electionIntervalMs} ms: ${describe(error)}`);
    }
  }

  private async openSession(): Promise<PostgresSession> {
    const session = await PostgresSession.open(this.dataSource, {
      onNotification: (payload) => this.events.notified(payload),
      onLost: (error) => {
        if (this.session !== session) return;
        this.session = null;
        void this.events.lost(error);
      },
    });
    if (!this.state.live) {
      await session.close();
      throw new Error('the projector stopped');
    }
    this.session = session;
    return session;
  }

  private async dropSession(session: PostgresSession, error: unknown): Promise<void> {
    if (this.session === session) this.session = null;
    await session.close();
    await this.events.lost(error);
  }
}
