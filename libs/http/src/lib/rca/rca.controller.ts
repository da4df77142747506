import { Body, Controller, Get, HttpCode, Param, Post, Put, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { RcaWorkflowInput } from '@causeway/application';
import type { Request, Response } from 'express';
import { RequirePermission } from '../auth/auth.decorators';
import { etag, IfMatchVersion } from '../common/if-match';
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
  async get(@Param('id', UuidPipe) id: string, @Res({ passthrough: true }) response: Response): Promise<RcaResource> {
    return this.withEtag(response, await this.rca.get(id));
  }

  @Put('incidents/:id/rca')
  @HttpCode(200)
  @RequirePermission('rcaEdit')
  @ApiOperation({ summary: 'Create or update the RCA draft (allowed from identified onwards)' })
  async save(@Param('id', UuidPipe) id: string, @Body() body: SaveRcaDto, @Req() request: Request, @Res({ passthrough: true }) response: Response, @IfMatchVersion() version?: number): Promise<RcaResource> {
    const { summary, rootCause, category, contributingFactors, whys, lessons } = body;
    const input = {
      summary,
      rootCause,
      category,
      contributingFactors: contributingFactors.map((factor) => ({ category: factor.category, description: factor.description })),
      whys,
      ...(lessons !== undefined && lessons !== null ? { lessons } : {}),
    };
    const rca = await this.rca.save(id, input, { actor: this.actor(request), expectedVersion: version, idempotencySeed: request.idempotencySeed });
    return this.withEtag(response, rca);
  }

  @Post('incidents/:id/rca/submit')
  @HttpCode(200)
  @RequirePermission('rcaEdit')
  submit(@Param('id', UuidPipe) id: string, @Body() _body: EmptyRcaBodyDto, @Req() req: Request, @Res({ passthrough: true }) res: Response, @IfMatchVersion() version?: number) {
    return this.run(id, { type: 'SubmitRca', data: {} }, req, res, version);
  }

  @Post('incidents/:id/rca/request-changes')
  @HttpCode(200)
  @RequirePermission('rcaApprove')
  requestChanges(@Param('id', UuidPipe) id: string, @Body() body: RequestRcaChangesDto, @Req() req: Request, @Res({ passthrough: true }) res: Response, @IfMatchVersion() version?: number) {
    return this.run(id, { type: 'RequestRcaChanges', data: { comment: body.comment } }, req, res, version);
  }

  @Post('incidents/:id/rca/approve')
  @HttpCode(200)
  @RequirePermission('rcaApprove')
  approve(@Param('id', UuidPipe) id: string, @Body() _body: EmptyRcaBodyDto, @Req() req: Request, @Res({ passthrough: true }) res: Response, @IfMatchVersion() version?: number) {
    return this.run(id, { type: 'ApproveRca', data: {} }, req, res, version);
  }

  @Post('incidents/:id/rca/publish')
  @HttpCode(200)
  @RequirePermission('rcaApprove')
  publish(@Param('id', UuidPipe) id: string, @Body() _body: EmptyRcaBodyDto, @Req() req: Request, @Res({ passthrough: true }) res: Response, @IfMatchVersion() version?: number) {
    return this.run(id, { type: 'PublishRca', data: {} }, req, res, version);
  }

  private async run(id: string, input: RcaWorkflowInput, request: Request, response: Response, expectedVersion?: number): Promise<RcaResource> {
    const rca = await this.rca.execute(id, input, { actor: this.actor(request), expectedVersion, idempotencySeed: request.idempotencySeed });
    return this.withEtag(response, rca);
  }

  private actor(request: Request): string {
    const principal = request.principal;
    if (!principal) throw new Error('authenticated route without principal');
    return principal.name;
  }

  private withEtag(response: Response, rca: RcaResource): RcaResource {
    response.setHeader('ETag', etag(rca.version));
    return rca;
  }
}
