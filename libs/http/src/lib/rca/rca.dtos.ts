import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { RCA_LIMITS } from '@causeway/domain';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Length, MaxLength, ValidateNested } from 'class-validator';

/**
 * Shapes and lengths are checked here; whether a category is in the configured taxonomy is the
 * decider's call (the taxonomy is configuration, not a compile-time enum).
 */
export class ContributingFactorDto {
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'monitoring-gap', description: 'A cause-category id (GET /rca/categories)' })
  @IsString()
  @Length(1, 100)
  category!: string;

  @ApiProperty({ minLength: 1, maxLength: RCA_LIMITS.contributingFactorMaxLength })
  @IsString()
  @Length(1, RCA_LIMITS.contributingFactorMaxLength)
  description!: string;
}

export class SaveRcaDto {
  @ApiProperty({ minLength: 1, maxLength: RCA_LIMITS.summaryMaxLength })
  @IsString()
  @Length(1, RCA_LIMITS.summaryMaxLength)
  summary!: string;

  @ApiProperty({ minLength: 1, maxLength: RCA_LIMITS.rootCauseMaxLength })
  @IsString()
  @Length(1, RCA_LIMITS.rootCauseMaxLength)
  rootCause!: string;

  @ApiProperty({ minLength: 1, maxLength: 100, example: 'configuration', description: 'A cause-category id (GET /rca/categories)' })
  @IsString()
  @Length(1, 100)
  category!: string;

  @ApiProperty({ type: [ContributingFactorDto], maxItems: RCA_LIMITS.maxContributingFactors })
  @IsArray()
  @ArrayMaxSize(RCA_LIMITS.maxContributingFactors)
  @ValidateNested({ each: true })
  @Type(() => ContributingFactorDto)
  contributingFactors!: ContributingFactorDto[];

  @ApiProperty({ type: [String], maxItems: RCA_LIMITS.maxWhys, description: 'The "5 whys" chain, first why first' })
  @IsArray()
  @ArrayMaxSize(RCA_LIMITS.maxWhys)
  @IsString({ each: true })
  @Length(1, RCA_LIMITS.whyMaxLength, { each: true })
  whys!: string[];

  @ApiPropertyOptional({ maxLength: RCA_LIMITS.lessonsMaxLength })
  @IsOptional()
  @IsString()
  @MaxLength(RCA_LIMITS.lessonsMaxLength)
  lessons?: string;
}

export class RequestRcaChangesDto {
  @ApiProperty({ minLength: 1, maxLength: RCA_LIMITS.commentMaxLength })
  @IsString()
  @Length(1, RCA_LIMITS.commentMaxLength)
  comment!: string;
}

/** Submit, approve and publish take an empty body; any field is unknown and rejected. */
export class EmptyRcaBodyDto {}
