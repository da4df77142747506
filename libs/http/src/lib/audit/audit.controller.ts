import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import type { EventStore } from '@causeway/event-store';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { Response } from 'express';
import { RequirePermission } from '../auth/auth.decorators';
import { EVENT_STORE } from '../tokens';

export class AuditEventsQuery {
  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  after?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

const EXPORT_PAGE = 1000;

/** The raw log for auditors: page it, verify the hash chain, export it whole (API.md, Audit). */
@ApiTags('audit')
@ApiBearerAuth()
@RequirePermission('audit')
@Controller('audit')
export class AuditController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Get('events')
  async events(@Query() query: AuditEventsQuery) {
    const limit = query.limit ?? 100;
    const items = await this.store.readAll({ after: query.after ?? 0, limit });
    return { items, nextCursor: items.length === limit ? String(items[items.length - 1].position) : null };
  }

  @Get('verify')
  verify() {
    return this.store.verify();
  }

  @Get('export')
  async export(@Res() response: Response): Promise<void> {
    response.status(200).setHeader('Content-Type', 'application/x-ndjson');
    response.setHeader('Content-Disposition', 'attachment; filename="causeway-events.ndjson"');
    for (let after = 0; ; ) {
      const page = await this.store.readAll({ after, limit: EXPORT_PAGE });
      for (const event of page) response.write(`${JSON.stringify(event)}\n`);
      if (page.length < EXPORT_PAGE) break;
      after = page[page.length - 1].position;
    }
    response.end();
  }
}
