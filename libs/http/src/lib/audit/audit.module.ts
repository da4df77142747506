import { Module } from '@nestjs/common';
import { EventStoreModule } from '../event-store/event-store.module';
import { AuditController } from './audit.controller';
import { AuditService } from './audit.service';

/** The auditors' view of the log. */
@Module({
  imports: [EventStoreModule],
  controllers: [AuditController],
  providers: [AuditService],
})
export class AuditModule {}
