import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { EventStoreModule } from '../event-store/event-store.module';
import { ProjectionModule } from '../projection/projection.module';
import { HealthController } from './health.controller';

/** Liveness and readiness: every role serves them, the projector role nothing else. */
@Module({
  imports: [TerminusModule.forRoot({ logger: false }), EventStoreModule, ProjectionModule],
  controllers: [HealthController],
})
export class HealthModule {}
