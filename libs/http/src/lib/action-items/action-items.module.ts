import { Module } from '@nestjs/common';
import { ProjectionModule } from '../projection/projection.module';
import { ActionItemsController } from './action-items.controller';
import { ActionItemsService } from './action-items.service';
import { OverdueSchedulerModule } from './overdue-scheduler.module';

/** Action items over HTTP: create, list, the overdue board, history and the lifecycle commands. */
@Module({
  imports: [OverdueSchedulerModule, ProjectionModule],
  controllers: [ActionItemsController],
  providers: [ActionItemsService],
  exports: [ActionItemsService],
})
export class ActionItemsModule {}
