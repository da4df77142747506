import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ProjectionModule } from '../projection/projection.module';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysService } from './api-keys.service';

/** Managing API keys over HTTP (admin only); the keys themselves live in the auth module. */
@Module({
  imports: [AuthModule, ProjectionModule],
  controllers: [ApiKeysController],
  providers: [ApiKeysService],
})
export class ApiKeysModule {}
