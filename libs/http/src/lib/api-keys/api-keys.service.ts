import { Injectable } from '@nestjs/common';
import { ApiKeyCommands, type CommandContext } from '@causeway/application';
import type { Role } from '@causeway/domain';
import { ApiKeyQueries, Projector, type ApiKeyRow } from '@causeway/read-models';
import { READ_YOUR_WRITES_TIMEOUT_MS } from '../common/read-your-writes';

export interface NewApiKey {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  /** The secret: shown this once. */
  readonly key: string;
}

/** Keys without their hashes: a hash is not needed to manage a key. */
export interface ApiKeyList {
  readonly items: Omit<ApiKeyRow, 'keyHash'>[];
  readonly nextCursor: null;
}

/** Creates, lists and revokes keys; a command answers once the guard would see its effect. */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly commands: ApiKeyCommands,
    private readonly keys: ApiKeyQueries,
    private readonly projector: Projector,
  ) {}

  async create(input: { name: string; role: Role }, context: CommandContext): Promise<NewApiKey> {
    const created = await this.commands.create(input, context);
    await this.projector.waitFor(created.position, READ_YOUR_WRITES_TIMEOUT_MS);
    return { id: created.id, name: created.name, role: created.role, key: created.key };
  }

  async list(): Promise<ApiKeyList> {
    const items = await this.keys.list();
    return { items: items.map(({ keyHash: _hash, ...key }) => key), nextCursor: null };
  }

  async revoke(id: string, context: CommandContext): Promise<void> {
    // An unknown id is the decider's NotFoundError (404): no read-model lookup needed first.
    const revoked = await this.commands.revoke(id, context);
    await this.projector.waitFor(revoked.position, READ_YOUR_WRITES_TIMEOUT_MS);
  }
}
