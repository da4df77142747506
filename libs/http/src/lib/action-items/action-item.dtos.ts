import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ACTION_ITEM_KINDS,
  ACTION_ITEM_PRIORITIES,
  ACTION_ITEM_STATUSES,
  ACTION_ITEM_TITLE_MAX_LENGTH,
  isValidOwner,
  SEVERITIES,
  type ActionItemKind,
  type ActionItemPriority,
  type ActionItemStatus,
  type Severity,
} from '@causeway/domain';
import { IsIn, isISO8601, IsOptional, IsString, IsUUID, Length, MaxLength, ValidateBy, type ValidationOptions } from 'class-validator';
import { PaginationQuery } from '../common/pagination.dto';

/** An email address is at most 254 characters; handles and teams are shorter. */
const OWNER_MAX_LENGTH = 254;
const REASON_MAX_LENGTH = 2000;
const NOTE_MAX_LENGTH = 5000;
const DESCRIPTION_MAX_LENGTH = 5000;
/** `dueAt` must say its zone: a bare local time would mean different instants to different people. */
const WITH_ZONE = /(Z|[+-]\d{2}:?\d{2})$/i;
const WITH_ZONE_MESSAGE = 'must be an ISO-8601 timestamp with a time zone, e.g. 2026-12-01T17:00:00Z';
const OWNER_EXAMPLES = 'alice@example.com, team:payments or j.doe';

/** `owner`: the domain's rule (`isValidOwner`), checked here too so the 400 comes before any I/O. */
function IsOwner(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isOwner',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isValidOwner(value),
        defaultMessage: () => `must be an email address, team:<slug> or a lower-case handle (e.g. ${OWNER_EXAMPLES})`,
      },
    },
    options,
  );
}

/** `dueAt`: a strict ISO-8601 timestamp that names its zone; one message however it fails. */
function DueAt(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isDueAt',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isISO8601(value, { strict: true, strictSeparator: true }) && WITH_ZONE.test(value),
        defaultMessage: () => WITH_ZONE_MESSAGE,
      },
    },
    options,
  );
}

export class CreateActionItemDto {
  @ApiProperty({ minLength: 1, maxLength: ACTION_ITEM_TITLE_MAX_LENGTH })
  @IsString()
  @Length(1, ACTION_ITEM_TITLE_MAX_LENGTH)
  title!: string;

  @ApiProperty({ maxLength: OWNER_MAX_LENGTH, example: 'j.doe', description: `Who does it: ${OWNER_EXAMPLES}` })
  @IsOwner()
  owner!: string;

  @ApiProperty({ format: 'date-time', example: '2026-12-01T17:00:00Z', description: 'May already be past: the item is then overdue at once' })
  @DueAt()
  dueAt!: string;

  @ApiProperty({ enum: ACTION_ITEM_PRIORITIES })
  @IsIn(ACTION_ITEM_PRIORITIES)
  priority!: ActionItemPriority;

  @ApiProperty({ enum: ACTION_ITEM_KINDS })
  @IsIn(ACTION_ITEM_KINDS)
  kind!: ActionItemKind;

  @ApiPropertyOptional({ maxLength: DESCRIPTION_MAX_LENGTH })
  @IsOptional()
  @IsString()
  @MaxLength(DESCRIPTION_MAX_LENGTH)
  description?: string;

  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  team?: string;
}

export class AssignActionItemDto {
  @ApiProperty({ maxLength: OWNER_MAX_LENGTH, example: 'team:payments', description: `The new owner: ${OWNER_EXAMPLES}` })
  @IsOwner()
  owner!: string;

  @ApiPropertyOptional({ maxLength: REASON_MAX_LENGTH })
  @IsOptional()
  @IsString()
  @MaxLength(REASON_MAX_LENGTH)
  reason?: string;
}

export class RescheduleActionItemDto {
  @ApiProperty({ format: 'date-time', example: '2026-12-04T17:00:00Z' })
  @DueAt()
  dueAt!: string;

  @ApiProperty({ minLength: 1, maxLength: REASON_MAX_LENGTH, description: 'Why the date moves (required)' })
  @IsString()
  @Length(1, REASON_MAX_LENGTH)
  reason!: string;
}

export class CompleteActionItemDto {
  @ApiPropertyOptional({ maxLength: NOTE_MAX_LENGTH })
  @IsOptional()
  @IsString()
  @MaxLength(NOTE_MAX_LENGTH)
  note?: string;
}

/** Reopen and cancel: the reason is required. */
export class ActionItemReasonDto {
  @ApiProperty({ minLength: 1, maxLength: REASON_MAX_LENGTH })
  @IsString()
  @Length(1, REASON_MAX_LENGTH)
  reason!: string;
}

/** Start takes an empty body; any field is unknown and rejected. */
export class EmptyActionItemBodyDto {}

/** `true` / `false` as query text; anything else is refused naming the field. */
const BOOLEAN_TEXT = ['true', 'false'] as const;

/** The filters both action-item lists share. */
class ActionItemOwnerFilter extends PaginationQuery {
  @ApiPropertyOptional({ example: 'j.doe', description: `Exactly as stored: ${OWNER_EXAMPLES}` })
  @IsOptional()
  @IsOwner()
  owner?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 100)
  team?: string;
}

/** `GET /action-items`: soonest due first. */
export class ListActionItemsQuery extends ActionItemOwnerFilter {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  incidentId?: string;

  @ApiPropertyOptional({ enum: ACTION_ITEM_STATUSES })
  @IsOptional()
  @IsIn(ACTION_ITEM_STATUSES)
  status?: ActionItemStatus;

  @ApiPropertyOptional({ enum: ACTION_ITEM_PRIORITIES })
  @IsOptional()
  @IsIn(ACTION_ITEM_PRIORITIES)
  priority?: ActionItemPriority;

  @ApiPropertyOptional({ format: 'date-time', description: 'Only items due strictly before this time' })
  @IsOptional()
  @DueAt()
  dueBefore?: string;

  @ApiPropertyOptional({ enum: BOOLEAN_TEXT, description: 'true: open or in progress and past due now; false: all others' })
  @IsOptional()
  @IsIn(BOOLEAN_TEXT)
  overdue?: (typeof BOOLEAN_TEXT)[number];
}

/** `GET /action-items/overdue`: most overdue first. */
export class OverdueBoardQuery extends ActionItemOwnerFilter {
  @ApiPropertyOptional({ description: "The incident's service" })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  service?: string;

  @ApiPropertyOptional({ enum: SEVERITIES, description: "The incident's severity (with asOf: its severity at that time)" })
  @IsOptional()
  @IsIn(SEVERITIES)
  severity?: Severity;

  @ApiPropertyOptional({
    format: 'date-time',
    example: '2026-11-01T09:00:00Z',
    description: 'The board as the log stood at this past time (what was overdue then, owners and due dates as they were then)',
  })
  @IsOptional()
  @DueAt({ message: 'must be an ISO-8601 timestamp with a time zone, e.g. 2026-11-01T09:00:00Z' })
  asOf?: string;
}
