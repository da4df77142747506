import { ApiProperty } from '@nestjs/swagger';
import { ROLES, type Role } from '@causeway/domain';
import { IsIn, IsString, Length, Matches } from 'class-validator';

export class CreateApiKeyDto {
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'alice' })
  @IsString()
  @Length(1, 100)
  @Matches(/^[\w.@-]+( [\w.@-]+)*$/, { message: 'may contain letters, digits, spaces and . _ @ -' })
  name!: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role!: Role;
}
