import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ApiKeyCommands, deterministicId } from '@causeway/application';
import { AlreadyExistsError } from '@causeway/domain';
import { CAUSEWAY_CONFIG, type CausewayConfig } from '@causeway/config';
import { ApiKeyQueries, Projector } from '@causeway/read-models';
import type { CausewayRole } from '../causeway.options';
import { READ_YOUR_WRITES_TIMEOUT_MS } from '../common/read-your-writes';
import { CAUSEWAY_ROLE } from '../tokens';

/**
 * A fresh install has no key, so nobody could call the API: on start-up, create an admin key and
 * print it once. Skipped when CAUSEWAY_BOOTSTRAP_ADMIN_KEY provides one, and by a projector
 * process, which serves no API.
 */
@Injectable()
export class FirstAdminKeyJob implements OnApplicationBootstrap {
  private readonly logger = new Logger('Causeway');

  constructor(
    @Inject(CAUSEWAY_CONFIG) private readonly config: CausewayConfig,
    @Inject(CAUSEWAY_ROLE) private readonly role: CausewayRole,
    private readonly apiKeys: ApiKeyQueries,
    private readonly apiKeyCommands: ApiKeyCommands,
    private readonly projector: Projector,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.role === 'projector') return;
    if (this.config.CAUSEWAY_BOOTSTRAP_ADMIN_KEY || (await this.apiKeys.count()) > 0) return;
    let created;
    try {
      // A fixed id: API replicas starting together race for one stream, and exactly one wins.
      created = await this.apiKeyCommands.create({ name: 'admin', role: 'admin', id: deterministicId('causeway:first-admin-key') }, { actor: 'system' });
    } catch (error) {
      if (error instanceof AlreadyExistsError) return;
      throw error;
    }
    await this.projector.waitFor(created.position, READ_YOUR_WRITES_TIMEOUT_MS);
    const line = '='.repeat(78);
    process.stdout.write(
      `\n${line}\n  No API key existed, so Causeway created an admin key. It is shown this once:\n\n    ${created.key}\n\n` +
        `  Use it as "Authorization: Bearer <key>", then create personal keys with POST /api/v1/api-keys.\n${line}\n\n`,
    );
    this.logger.warn({ keyId: created.id }, 'Created the first admin key and printed it to the console');
  }
}
