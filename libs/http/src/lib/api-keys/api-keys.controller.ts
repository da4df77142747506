import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { CommandContext } from '@causeway/application';
import { RequirePermission } from '../auth/auth.decorators';
import { CommandCtx } from '../common/command-context.decorator';
import { UuidPipe } from '../common/uuid.pipe';
import { ApiKeysService, type ApiKeyList, type NewApiKey } from './api-keys.service';
import { CreateApiKeyDto } from './create-api-key.dto';

/** Admin only. The key is returned once, at creation; only its hash is kept. */
@ApiTags('api-keys')
@ApiBearerAuth()
@RequirePermission('admin')
@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  create(@Body() body: CreateApiKeyDto, @CommandCtx({ ifMatch: false }) context: CommandContext): Promise<NewApiKey> {
    return this.apiKeys.create(body, context);
  }

  @Get()
  list(): Promise<ApiKeyList> {
    return this.apiKeys.list();
  }

  @Delete(':id')
  @HttpCode(204)
  revoke(@Param('id', UuidPipe) id: string, @CommandCtx({ ifMatch: false }) context: CommandContext): Promise<void> {
    return this.apiKeys.revoke(id, context);
  }
}
