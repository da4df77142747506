import { Injectable } from '@nestjs/common';
import { RcaCommands, type CommandContext, type RcaCommandResult, type RcaWorkflowInput, type SaveRcaDraftInput } from '@causeway/application';
import type { CauseCategory } from '@causeway/domain';
import { Projector } from '@causeway/read-models';
import { READ_YOUR_WRITES_TIMEOUT_MS } from '../common/read-your-writes';
import { Problem } from '../problem/problem';
import { toRcaResource, type RcaResource } from './rca.resource';

/**
 * The RCA is read by folding its (short) stream, so a GET always sees the latest write. Commands
 * still wait for the projector, so the incident timeline shows the change once the command answers.
 */
@Injectable()
export class RcaService {
  constructor(
    private readonly commands: RcaCommands,
    private readonly projector: Projector,
  ) {}

  get categories(): readonly CauseCategory[] {
    return this.commands.categories;
  }

  async save(incidentId: string, input: SaveRcaDraftInput, context: CommandContext): Promise<RcaResource> {
    return this.resourceAfter(await this.commands.save(incidentId, input, context));
  }

  async execute(incidentId: string, input: RcaWorkflowInput, context: CommandContext): Promise<RcaResource> {
    return this.resourceAfter(await this.commands.execute(incidentId, input, context));
  }

  async get(incidentId: string): Promise<RcaResource> {
    const rca = await this.find(incidentId);
    if (rca === null) throw Problem.notFound(`No RCA has been drafted for incident ${incidentId}`);
    return rca;
  }

  /** The incident's RCA, or null when none has been drafted. */
  async find(incidentId: string): Promise<RcaResource | null> {
    const { state, version } = await this.commands.load(incidentId);
    return state === null ? null : toRcaResource(state, version);
  }

  private async resourceAfter(result: RcaCommandResult): Promise<RcaResource> {
    if (result.state === null) throw new Error(`RCA command on incident ${result.incidentId} left no RCA`);
    await this.projector.waitFor(result.position, READ_YOUR_WRITES_TIMEOUT_MS);
    return toRcaResource(result.state, result.version);
  }
}
