import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../auth/auth.decorators';
import { Reply } from '../common/reply';
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
  async report(@Param('id', UuidPipe) id: string): Promise<Reply<string>> {
    const markdown = await this.reports.markdown(id);
    return Reply.of(markdown, { 'Content-Type': 'text/markdown; charset=utf-8', 'Content-Disposition': `inline; filename="incident-${id}.md"` });
  }
}
