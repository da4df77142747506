import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { INCIDENT_ROLES, INCIDENT_STATUSES, SETTABLE_STATUSES, SEVERITIES, type IncidentRole, type IncidentStatus, type Severity, type SettableStatus } from '@causeway/domain';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  type ValidationOptions,
} from 'class-validator';
import { PaginationQuery } from '../common/pagination.dto';

const SLUG = /^[a-z0-9]+(?:[-_.][a-z0-9]+)*$/;
const SLUG_MESSAGE = 'must be a lowercase slug (letters, digits, "-", "_", ".")';
const MAX_LABELS = 50;

/** `labels`: a flat map of at most 50 string → string (keys ≤ 100, values ≤ 500 characters). */
function IsLabelMap(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isLabelMap',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'object' &&
          value !== null &&
          !Array.isArray(value) &&
          Object.keys(value).length <= MAX_LABELS &&
          Object.entries(value).every(([key, item]) => key.length >= 1 && key.length <= 100 && typeof item === 'string' && item.length <= 500),
        defaultMessage: () => `must be an object of at most ${MAX_LABELS} string values (keys 1–100, values ≤ 500 characters)`,
      },
    },
    options,
  );
}

export class DeclareIncidentDto {
  @ApiProperty({ minLength: 1, maxLength: 200, example: 'Checkout latency above 2 s' })
  @IsString()
  @Length(1, 200)
  title!: string;

  @ApiProperty({ enum: SEVERITIES })
  @IsIn(SEVERITIES)
  severity!: Severity;

  @ApiProperty({ minLength: 1, maxLength: 100, example: 'checkout' })
  @IsString()
  @Length(1, 100)
  @Matches(SLUG, { message: SLUG_MESSAGE })
  service!: string;

  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  team?: string;

  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  vendorSite?: string;

  @ApiPropertyOptional({ maxLength: 5000 })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  summary?: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  commander?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  detectedAt?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  @IsOptional()
  @IsLabelMap()
  labels?: Record<string, string>;
}

export class AcknowledgeIncidentDto {
  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class EscalateIncidentDto {
  @ApiProperty({ minLength: 1, maxLength: 2000 })
  @IsString()
  @Length(1, 2000)
  reason!: string;

  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  toTeam?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 20 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(20)
  toLevel?: number;

  @ApiPropertyOptional({ enum: SEVERITIES })
  @IsOptional()
  @IsIn(SEVERITIES)
  severity?: Severity;
}

export class ChangeSeverityDto {
  @ApiProperty({ enum: SEVERITIES })
  @IsIn(SEVERITIES)
  severity!: Severity;

  @ApiProperty({ minLength: 1, maxLength: 2000 })
  @IsString()
  @Length(1, 2000)
  reason!: string;
}

export class ChangeStatusDto {
  @ApiProperty({ enum: SETTABLE_STATUSES })
  @IsIn(SETTABLE_STATUSES)
  status!: SettableStatus;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class ResolveIncidentDto {
  @ApiProperty({ minLength: 1, maxLength: 5000 })
  @IsString()
  @Length(1, 5000)
  resolution!: string;
}

export class ReopenIncidentDto {
  @ApiProperty({ minLength: 1, maxLength: 2000 })
  @IsString()
  @Length(1, 2000)
  reason!: string;
}

export class CloseIncidentDto {}

export class AssignRoleDto {
  @ApiProperty({ enum: INCIDENT_ROLES })
  @IsIn(INCIDENT_ROLES)
  role!: IncidentRole;

  @ApiProperty({ minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200)
  assignee!: string;
}

export class AddNoteDto {
  @ApiProperty({ minLength: 1, maxLength: 10000 })
  @IsString()
  @Length(1, 10000)
  text!: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'When it happened, if earlier than now (bitemporal)' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  occurredAt?: string;
}

export class ListIncidentsQuery extends PaginationQuery {
  @ApiPropertyOptional({ enum: INCIDENT_STATUSES })
  @IsOptional()
  @IsIn(INCIDENT_STATUSES)
  status?: IncidentStatus;

  @ApiPropertyOptional({ enum: SEVERITIES })
  @IsOptional()
  @IsIn(SEVERITIES)
  severity?: Severity;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 100)
  service?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 100)
  team?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 100)
  vendorSite?: string;

  @ApiPropertyOptional({ description: 'Text search in title and summary' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  q?: string;
}

export class TimelineQuery extends PaginationQuery {}

export class HistoryQuery {
  @ApiProperty({ description: 'An ISO-8601 time, or a global log position' })
  @IsString()
  @IsNotEmpty()
  @Matches(/^(\d{1,15}|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))$/, {
    message: 'must be an ISO-8601 time with a zone (e.g. 2026-11-21T10:00:00Z) or a log position',
  })
  asOf!: string;
}

export class EventsQuery {
  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  fromVersion?: number;
}
