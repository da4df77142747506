import { Module } from '@nestjs/common';
import { ActionItemsModule } from '../action-items/action-items.module';
import { IncidentsModule } from '../incidents/incidents.module';
import { RcaModule } from '../rca/rca.module';
import { ReportController } from './report.controller';
import { ReportService } from './report.service';

/** The Markdown incident report, gathered from the incident, its timeline, RCA and action items. */
@Module({
  imports: [IncidentsModule, RcaModule, ActionItemsModule],
  controllers: [ReportController],
  providers: [ReportService],
})
export class ReportModule {}
