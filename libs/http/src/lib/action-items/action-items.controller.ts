import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ActionItemCommandInput, CommandContext } from '@causeway/application';
import { RequirePermission } from '../auth/auth.decorators';
import { CommandCtx } from '../common/command-context.decorator';
import { Reply } from '../common/reply';
import { UuidPipe } from '../common/uuid.pipe';
import {
  ActionItemReasonDto,
  AssignActionItemDto,
  CompleteActionItemDto,
  CreateActionItemDto,
  EmptyActionItemBodyDto,
  ListActionItemsQuery,
  OverdueBoardQuery,
  RescheduleActionItemDto,
} from './action-item.dtos';
import type { ActionItemHistoryResource, ActionItemResource } from './action-item.resource';
import { ActionItemsService, type OverdueBoard } from './action-items.service';
import type { Page } from '../common/pagination.dto';

/** Thin: DTO → command → service → resource with its ETag. The lifecycle rules live in the decider. */
@ApiTags('action-items')
@ApiBearerAuth()
@ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Makes a POST safe to retry (≤ 255 characters)' })
@Controller()
export class ActionItemsController {
  constructor(private readonly actionItems: ActionItemsService) {}

  @Post('incidents/:id/action-items')
  @RequirePermission('rcaEdit')
  @ApiOperation({ summary: 'Create an action item for the incident (not once it is closed)' })
  async create(@Param('id', UuidPipe) incidentId: string, @Body() body: CreateActionItemDto, @CommandCtx({ ifMatch: false }) context: CommandContext): Promise<Reply<ActionItemResource>> {
    const { title, owner, dueAt, priority, kind, description, team } = body;
    const input = {
      title,
      owner,
      dueAt,
      priority,
      kind,
      ...(description !== undefined && description !== null ? { description } : {}),
      ...(team !== undefined && team !== null ? { team } : {}),
    };
    const item = await this.actionItems.create(incidentId, input, context);
    return Reply.created(item, `/api/v1/action-items/${item.id}`);
  }

  @Get('action-items')
  @RequirePermission('read')
  @ApiOperation({ summary: 'Action items, soonest due first (filters combine with AND)' })
  @ApiOkResponse({ description: '`{items: ActionItem[], nextCursor}`; each item has `overdue` judged at the time of the read' })
  list(@Query() query: ListActionItemsQuery): Promise<Page<ActionItemResource>> {
    const { overdue, ...filter } = query;
    return this.actionItems.list({ ...filter, ...(overdue !== undefined ? { overdue: overdue === 'true' } : {}) });
  }

  @Get('action-items/overdue')
  @RequirePermission('read')
  @ApiOperation({ summary: 'The overdue board: most overdue first, each with overdueBy (seconds); asOf= shows a past moment from the log' })
  @ApiOkResponse({
    description:
      '`{asOf, items: [{id, incidentId, title, owner, team, priority, kind, status, dueAt, overdueBy, incident: {title, service, severity}}], nextCursor}`; `asOf` is the moment the board describes (now when not given), and the severity is the incident’s at that moment',
  })
  overdue(@Query() query: OverdueBoardQuery): Promise<OverdueBoard> {
    const { asOf, ...filter } = query;
    return this.actionItems.overdue(filter, asOf);
  }

  @Get('action-items/:id')
  @RequirePermission('read')
  @ApiOperation({ summary: 'The action item, with ETag' })
  async get(@Param('id', UuidPipe) id: string): Promise<Reply<ActionItemResource>> {
    return Reply.versioned(await this.actionItems.get(id));
  }

  @Get('action-items/:id/history')
  @RequirePermission('read')
  @ApiOperation({ summary: 'Every assignment, due-date slip and status change, with who and when' })
  async history(@Param('id', UuidPipe) id: string): Promise<Reply<ActionItemHistoryResource>> {
    return Reply.versioned(await this.actionItems.history(id));
  }

  @Post('action-items/:id/assign')
  @HttpCode(200)
  @RequirePermission('rcaEdit')
  assign(@Param('id', UuidPipe) id: string, @Body() body: AssignActionItemDto, @CommandCtx() context: CommandContext) {
    return this.run(id, { type: 'AssignActionItem', data: { owner: body.owner, ...(body.reason !== undefined && body.reason !== null ? { reason: body.reason } : {}) } }, context);
  }

  @Post('action-items/:id/reschedule')
  @HttpCode(200)
  @RequirePermission('rcaEdit')
  reschedule(@Param('id', UuidPipe) id: string, @Body() body: RescheduleActionItemDto, @CommandCtx() context: CommandContext) {
    return this.run(id, { type: 'RescheduleActionItem', data: { dueAt: body.dueAt, reason: body.reason } }, context);
  }

  @Post('action-items/:id/start')
  @HttpCode(200)
  @RequirePermission('rcaEdit')
  start(@Param('id', UuidPipe) id: string, @Body() _body: EmptyActionItemBodyDto, @CommandCtx() context: CommandContext) {
    return this.run(id, { type: 'StartActionItem', data: {} }, context);
  }

  @Post('action-items/:id/complete')
  @HttpCode(200)
  @RequirePermission('rcaEdit')
  complete(@Param('id', UuidPipe) id: string, @Body() body: CompleteActionItemDto, @CommandCtx() context: CommandContext) {
    return this.run(id, { type: 'CompleteActionItem', data: body.note !== undefined && body.note !== null ? { note: body.note } : {} }, context);
  }

  @Post('action-items/:id/reopen')
  @HttpCode(200)
  @RequirePermission('rcaEdit')
  reopen(@Param('id', UuidPipe) id: string, @Body() body: ActionItemReasonDto, @CommandCtx() context: CommandContext) {
    return this.run(id, { type: 'ReopenActionItem', data: { reason: body.reason } }, context);
  }

  @Post('action-items/:id/cancel')
  @HttpCode(200)
  @RequirePermission('rcaEdit')
  cancel(@Param('id', UuidPipe) id: string, @Body() body: ActionItemReasonDto, @CommandCtx() context: CommandContext) {
    return this.run(id, { type: 'CancelActionItem', data: { reason: body.reason } }, context);
  }

  private async run(id: string, input: ActionItemCommandInput, context: CommandContext): Promise<Reply<ActionItemResource>> {
    return Reply.versioned(await this.actionItems.execute(id, input, context));
  }
}
