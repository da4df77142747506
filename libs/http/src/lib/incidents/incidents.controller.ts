import { Body, Controller, Get, Header, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal, RequirePermission } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { etag, IfMatchVersion } from '../common/if-match';
import { UuidPipe } from '../common/uuid.pipe';
import {
  AcknowledgeIncidentDto,
  AddNoteDto,
  AssignRoleDto,
  ChangeSeverityDto,
  ChangeStatusDto,
  CloseIncidentDto,
  DeclareIncidentDto,
  EscalateIncidentDto,
  EventsQuery,
  HistoryQuery,
  ListIncidentsQuery,
  ReopenIncidentDto,
  ResolveIncidentDto,
  TimelineQuery,
} from './incident.dtos';
import type { IncidentResource } from './incident.resource';
import { IncidentsService } from './incidents.service';
import { TimelineStreamService } from './timeline-stream.service';
import type { IncidentCommandInput } from '@causeway/application';

const DEFAULT_LIMIT = 50;

/** Thin: DTO → command → service → resource with its ETag. Rules live in the decider. */
@ApiTags('incidents')
@ApiBearerAuth()
@ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Makes a POST safe to retry (≤ 255 characters)' })
@Controller('incidents')
export class IncidentsController {
  constructor(
    private readonly incidents: IncidentsService,
    private readonly timelineStream: TimelineStreamService,
  ) {}

  @Post()
  @RequirePermission('respond')
  @ApiOperation({ summary: 'Declare an incident' })
  async declare(
    @Body() body: DeclareIncidentDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<IncidentResource> {
    const incident = await this.incidents.declare(body, { actor: principal.name, idempotencySeed: request.idempotencySeed });
    response.status(201).setHeader('Location', `/api/v1/incidents/${incident.id}`);
    return this.withEtag(response, incident);
  }

  @Get()
  @RequirePermission('read')
  @ApiOperation({ summary: 'List incidents, newest first' })
  list(@Query() query: ListIncidentsQuery) {
    const { limit, ...filter } = query;
    return this.incidents.list({ ...filter, limit: limit ?? DEFAULT_LIMIT });
  }

  @Get(':id')
  @RequirePermission('read')
  @ApiOkResponse({ description: 'The incident resource, with ETag' })
  async get(@Param('id', UuidPipe) id: string, @Res({ passthrough: true }) response: Response): Promise<IncidentResource> {
    return this.withEtag(response, await this.incidents.get(id));
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @RequirePermission('respond')
  acknowledge(@Param('id', UuidPipe) id: string, @Body() body: AcknowledgeIncidentDto, @Req() req: Request, @Res({ passthrough: true }) res: Response, @IfMatchVersion() version?: number) {
    return this.run(id, { type: 'AcknowledgeIncident', data: body }, req, res, version);
  }

  @Post(':id/escalate')
  @HttpCode(200)
  @RequirePermission('respond')
  escalate(@Param('id', UuidPipe) id: string, @Body() body: EscalateIncidentDto, @Req() req: Request, @Res({ passthrough: true }) res: Response, @IfMatchVersion() version?: number) {
    return this.run(id, { type: 'EscalateIncident', data: body }, req, res, version);
  }

  @Post(':id/severity')
  @HttpCode(200)
  @RequirePermission('respond')
  severity(@Param('id', UuidPipe) id: string, @Body() body: ChangeSeverityDto, @Req() req: Request, @Res({ passthrough: true }) res: Response, @IfMatchVersion() version?: number) {
    return this.run(id, { type: 'ChangeIncidentSeverity', data: body }, req, res, version);
  }

  @Post(':id/status')
  @HttpCode(200)
  @RequirePermission('respond')
  status(@Param('id', UuidPipe) id: string, @Body() body: ChangeStatusDto, @Req() req: Request, @Res({ passthrough: true }) res: Response, @IfMatchVersion() version?: number) {
    return this.run(id, { type: 'ChangeIncidentStatus', data: body }, req, res, version);
  }

  @Post(':id/notes')
  @HttpCode(200)
  @RequirePermission('respond')
  note(@Param('id', UuidPipe) id: string, @Body() body: AddNoteDto, @Req() req: Request, @Res({ passthrough: true }) res: Response, @IfMatchVersion() version?: number) {
    return this.run(id, { type: 'AddIncidentNote', data: body }, req, res, version);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @RequirePermission('command')
  resolve(@Param('id', UuidPipe) id: string, @Body() body: ResolveIncidentDto, @Req() req: Request, @Res({ passthrough: true }) res: Response, @IfMatchVersion() version?: number) {
    return this.run(id, { type: 'ResolveIncident', data: body }, req, res, version);
  }

  @Post(':id/reopen')
  @HttpCode(200)
  @RequirePermission('command')
  reopen(@Param('id', UuidPipe) id: string, @Body() body: ReopenIncidentDto, @Req() req: Request, @Res({ passthrough: true }) res: Response, @IfMatchVersion() version?: number) {
    return this.run(id, { type: 'ReopenIncident', data: body }, req, res, version);
  }

  @Post(':id/close')
  @HttpCode(200)
  @RequirePermission('command')
  close(@Param('id', UuidPipe) id: string, @Body() _body: CloseIncidentDto, @Req() req: Request, @Res({ passthrough: true }) res: Response, @IfMatchVersion() version?: number) {
    return this.run(id, { type: 'CloseIncident', data: {} }, req, res, version);
  }

  @Post(':id/roles')
  @HttpCode(200)
  @RequirePermission('command')
  assignRole(@Param('id', UuidPipe) id: string, @Body() body: AssignRoleDto, @Req() req: Request, @Res({ passthrough: true }) res: Response, @IfMatchVersion() version?: number) {
    return this.run(id, { type: 'AssignIncidentRole', data: body }, req, res, version);
  }

  @Get(':id/timeline')
  @RequirePermission('read')
  @ApiOperation({ summary: 'Timeline entries, oldest first (by when they happened)' })
  timeline(@Param('id', UuidPipe) id: string, @Query() query: TimelineQuery) {
    return this.incidents.timelinePage(id, query.limit ?? DEFAULT_LIMIT, query.cursor);
  }

  @Get(':id/timeline/stream')
  @RequirePermission('read')
  @Header('Cache-Control', 'no-cache')
  @ApiOperation({ summary: 'Server-Sent Events: each id is the global position; honours Last-Event-ID' })
  async stream(@Param('id', UuidPipe) id: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    await this.incidents.get(id);
    await this.timelineStream.open(id, request, response);
  }

  @Get(':id/events')
  @RequirePermission('audit')
  @ApiOperation({ summary: 'Raw events of the incident stream, with hashes' })
  async events(@Param('id', UuidPipe) id: string, @Query() query: EventsQuery) {
    return { items: await this.incidents.events(id, query.fromVersion) };
  }

  @Get(':id/history')
  @RequirePermission('audit')
  @ApiOperation({ summary: 'The incident as recorded at a past time or log position' })
  history(@Param('id', UuidPipe) id: string, @Query() query: HistoryQuery) {
    return this.incidents.asOf(id, query.asOf);
  }

  private async run(id: string, input: IncidentCommandInput, request: Request, response: Response, expectedVersion?: number): Promise<IncidentResource> {
    const principal = request.principal;
    if (!principal) throw new Error('authenticated route without principal');
    const incident = await this.incidents.execute(id, input, { actor: principal.name, expectedVersion, idempotencySeed: request.idempotencySeed });
    return this.withEtag(response, incident);
  }

  private withEtag(response: Response, incident: IncidentResource): IncidentResource {
    response.setHeader('ETag', etag(incident.version));
    return incident;
  }
}
