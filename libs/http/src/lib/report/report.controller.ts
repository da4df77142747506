import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { RequirePermission } from '../auth/auth.decorators';
import { UuidPipe } from '../common/uuid.pipe';
import { ReportService } from './report.service';

@ApiTags('incidents')
@ApiBearerAuth()
@Controller('incidents')
export class ReportController {
  constructor(private readonly reports: ReportService) {}

  @Get(':id/report.md')
  @RequirePermission('read')
  @ApiProduces('text/markdown')
  @ApiOperation({ summary: 'The incident report as Markdown: facts, timeline, RCA and action items' })
  async report(@Param('id', UuidPipe) id: string, @Res({ passthrough: true }) response: Response): Promise<string> {
    const markdown = await this.reports.markdown(id);
    response.setHeader('Content-Type', 'text/markdown; charset=utf-8');
    response.setHeader('Content-Disposition', `inline; filename="incident-${id}.md"`);
    return markdown;
  }
}
