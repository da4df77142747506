import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CommandContext, RcaWorkflowInput } from '@causeway/application';
import { RequirePermission } from '../auth/auth.decorators';
import { CommandCtx } from '../common/command-context.decorator';
import { Reply } from '../common/reply';
import { UuidPipe } from '../common/uuid.pipe';
import { EmptyRcaBodyDto, RequestRcaChangesDto, SaveRcaDto } from './rca.dtos';
import type { RcaResource } from './rca.resource';
import { RcaService } from './rca.service';

/** Thin: DTO → command → service → resource with its ETag. The workflow rules live in the RCA decider. */
@ApiTags('rca')
@ApiBearerAuth()
@ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Makes a PUT/POST safe to retry (≤ 255 characters)' })
@Controller()
export class RcaController {
  constructor(private readonly rca: RcaService) {}

  @Get('rca/categories')
  @RequirePermission('read')
  @ApiOperation({ summary: 'The configured cause taxonomy' })
  categories() {
    return { items: this.rca.categories };
  }

  @Get('incidents/:id/rca')
  @RequirePermission('read')
  @ApiOperation({ summary: "The incident's RCA, with ETag" })
  async get(@Param('id', UuidPipe) id: string): Promise<Reply<RcaResource>> {
    return Reply.versioned(await this.rca.get(id));
  }

  @Put('incidents/:id/rca')
  @HttpCode(200)
  @RequirePermission('rcaEdit')
  @ApiOperation({ summary: 'Create or update the RCA draft (allowed from identified onwards)' })
  async save(@Param('id', UuidPipe) id: string, @Body() body: SaveRcaDto, @CommandCtx() context: CommandContext): Promise<Reply<RcaResource>> {
    const { summary, rootCause, category, contributingFactors, whys, lessons } = body;
    const input = {
      summary,
      rootCause,
      category,
      contributingFactors: contributingFactors.map((factor) => ({ category: factor.category, description: factor.description })),
      whys,
      ...(lessons !== undefined && lessons !== null ? { lessons } : {}),
    };
    return Reply.versioned(await this.rca.save(id, input, context));
  }

  @Post('incidents/:id/rca/submit')
  @HttpCode(200)
  @RequirePermission('rcaEdit')
  submit(@Param('id', UuidPipe) id: string, @Body() _body: EmptyRcaBodyDto, @CommandCtx() context: CommandContext) {
    return this.run(id, { type: 'SubmitRca', data: {} }, context);
  }

  @Post('incidents/:id/rca/request-changes')
  @HttpCode(200)
  @RequirePermission('rcaApprove')
  requestChanges(@Param('id', UuidPipe) id: string, @Body() body: RequestRcaChangesDto, @CommandCtx() context: CommandContext) {
    return this.run(id, { type: 'RequestRcaChanges', data: { comment: body.comment } }, context);
  }

  @Post('incidents/:id/rca/approve')
  @HttpCode(200)
  @RequirePermission('rcaApprove')
  approve(@Param('id', UuidPipe) id: string, @Body() _body: EmptyRcaBodyDto, @CommandCtx() context: CommandContext) {
    return this.run(id, { type: 'ApproveRca', data: {} }, context);
  }

  @Post('incidents/:id/rca/publish')
  @HttpCode(200)
  @RequirePermission('rcaApprove')
  publish(@Param('id', UuidPipe) id: string, @Body() _body: EmptyRcaBodyDto, @CommandCtx() context: CommandContext) {
    return this.run(id, { type: 'PublishRca', data: {} }, context);
  }

  private async run(id: string, input: RcaWorkflowInput, context: CommandContext): Promise<Reply<RcaResource>> {
    return Reply.versioned(await this.rca.execute(id, input, context));
  }
}
