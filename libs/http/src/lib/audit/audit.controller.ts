import { Controller, Get, Query, type StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../auth/auth.decorators';
import { AuditEventsQuery } from './audit.dtos';
import { AuditService } from './audit.service';

/** The raw log for auditors: page it, verify the hash chain, export it whole (docs/api.md, section 11). */
@ApiTags('audit')
@ApiBearerAuth()
@RequirePermission('audit')
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get('events')
  events(@Query() query: AuditEventsQuery) {
    return this.audit.events(query.after ?? 0, query.limit ?? 100);
  }

  @Get('verify')
  verify() {
    return this.audit.verify();
  }

  @Get('export')
  export(): Promise<StreamableFile> {
    return this.audit.export();
  }
}
