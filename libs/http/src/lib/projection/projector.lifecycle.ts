import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Projector } from '@causeway/read-models';

/**
 * Starts the projector and, when this process leads, catches the read models up to the head before
 * anything that reads them starts; stops it on shutdown once the jobs that wait for it have stopped.
 */
@Injectable()
export class ProjectorLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(private readonly projector: Projector) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.projector.start();
    if (this.projector.isLeader()) await this.projector.catchUp();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.projector.stop();
  }
}
