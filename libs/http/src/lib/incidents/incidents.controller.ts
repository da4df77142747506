import { Body, Controller, Get, Header, Headers, HttpCode, Param, Post, Query, type StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CommandContext, IncidentCommandInput } from '@causeway/application';
import { RequirePermission } from '../auth/auth.decorators';
import { CommandCtx } from '../common/command-context.decorator';
import { Reply } from '../common/reply';
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
  async declare(@Body() body: DeclareIncidentDto, @CommandCtx({ ifMatch: false }) context: CommandContext): Promise<Reply<IncidentResource>> {
    const incident = await this.incidents.declare(body, context);
    return Reply.created(incident, `/api/v1/incidents/${incident.id}`);
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
  async get(@Param('id', UuidPipe) id: string): Promise<Reply<IncidentResource>> {
    return Reply.versioned(await this.incidents.get(id));
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @RequirePermission('respond')
  acknowledge(@Param('id', UuidPipe) id: string, @Body() body: AcknowledgeIncidentDto, @CommandCtx() context: CommandContext) {
    return this.run(id, { type: 'AcknowledgeIncident', data: body }, context);
  }

  @Post(':id/escalate')
  @HttpCode(200)
  @RequirePermission('respond')
  escalate(@Param('id', UuidPipe) id: string, @Body() body: EscalateIncidentDto, @CommandCtx() context: CommandContext) {
    return this.run(id, { type: 'EscalateIncident', data: body }, context);
  }

  @Post(':id/severity')
  @HttpCode(200)
  @RequirePermission('respond')
  severity(@Param('id', UuidPipe) id: string, @Body() body: ChangeSeverityDto, @CommandCtx() context: CommandContext) {
    return this.run(id, { type: 'ChangeIncidentSeverity', data: body }, context);
  }

  @Post(':id/status')
  @HttpCode(200)
  @RequirePermission('respond')
  status(@Param('id', UuidPipe) id: string, @Body() body: ChangeStatusDto, @CommandCtx() context: CommandContext) {
    return this.run(id, { type: 'ChangeIncidentStatus', data: body }, context);
  }

  @Post(':id/notes')
  @HttpCode(200)
  @RequirePermission('respond')
  note(@Param('id', UuidPipe) id: string, @Body() body: AddNoteDto, @CommandCtx() context: CommandContext) {
    return this.run(id, { type: 'AddIncidentNote', data: body }, context);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @RequirePermission('command')
  resolve(@Param('id', UuidPipe) id: string, @Body() body: ResolveIncidentDto, @CommandCtx() context: CommandContext) {
    return this.run(id, { type: 'ResolveIncident', data: body }, context);
  }

  @Post(':id/reopen')
  @HttpCode(200)
  @RequirePermission('command')
  reopen(@Param('id', UuidPipe) id: string, @Body() body: ReopenIncidentDto, @CommandCtx() context: CommandContext) {
    return this.run(id, { type: 'ReopenIncident', data: body }, context);
  }

  @Post(':id/close')
  @HttpCode(200)
  @RequirePermission('command')
  close(@Param('id', UuidPipe) id: string, @Body() _body: CloseIncidentDto, @CommandCtx() context: CommandContext) {
    return this.run(id, { type: 'CloseIncident', data: {} }, context);
  }

  @Post(':id/roles')
  @HttpCode(200)
  @RequirePermission('command')
  assignRole(@Param('id', UuidPipe) id: string, @Body() body: AssignRoleDto, @CommandCtx() context: CommandContext) {
    return this.run(id, { type: 'AssignIncidentRole', data: body }, context);
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
  async stream(
    @Param('id', UuidPipe) id: string,
    @Headers('last-event-id') lastEventIdHeader?: string,
    @Query('lastEventId') lastEventIdQuery?: string,
  ): Promise<Reply<StreamableFile>> {
    await this.incidents.get(id);
    return this.timelineStream.open(id, Number(lastEventIdHeader ?? lastEventIdQuery ?? 0));
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

  private async run(id: string, input: IncidentCommandInput, context: CommandContext): Promise<Reply<IncidentResource>> {
    return Reply.versioned(await this.incidents.execute(id, input, context));
  }
}
