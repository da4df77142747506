import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ROLES, type Role } from '@causeway/domain';
import { ApiKeyCommands } from '@causeway/application';
import { ApiKeyQueries, Projector } from '@causeway/read-models';
import { IsIn, IsString, Length, Matches } from 'class-validator';
import type { Request } from 'express';
import { RequirePermission } from '../auth/auth.decorators';
import { UuidPipe } from '../common/uuid.pipe';

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

/** Admin only. The key is returned once, at creation; only its hash is kept. */
@ApiTags('api-keys')
@ApiBearerAuth()
@RequirePermission('admin')
@Controller('api-keys')
export class ApiKeysController {
  constructor(
    private readonly commands: ApiKeyCommands,
    private readonly keys: ApiKeyQueries,
    private readonly projector: Projector,
  ) {}

  @Post()
  async create(@Body() body: CreateApiKeyDto, @Req() request: Request) {
    const created = await this.commands.create(body, { actor: request.principal?.name ?? 'unknown', idempotencySeed: request.idempotencySeed });
    await this.projector.waitFor(created.position, 10_000);
    return { id: created.id, name: created.name, role: created.role, key: created.key };
  }

  @Get()
  async list() {
    const items = await this.keys.list();
    return { items: items.map(({ keyHash: _hash, ...key }) => key), nextCursor: null };
  }

  @Delete(':id')
  @HttpCode(204)
  async revoke(@Param('id', UuidPipe) id: string, @Req() request: Request): Promise<void> {
    // An unknown id is the decider's NotFoundError (404): no read-model lookup needed first.
    const revoked = await this.commands.revoke(id, { actor: request.principal?.name ?? 'unknown' });
    await this.projector.waitFor(revoked.position, 10_000);
  }
}
