import {
  incidentStreamId,
  type DeclareIncident,
  type IncidentCommand,
  type IncidentState,
} from '@causeway/domain';
import { incidentAggregate } from './aggregate';
import type { CommandContext, CommandHandler, CommandResult } from './command-handler';
import { deterministicId, newId } from './ids';

type WithoutMetadata<C> = C extends unknown ? Omit<C, 'metadata'> : never;
export type IncidentCommandInput = WithoutMetadata<Exclude<IncidentCommand, DeclareIncident>>;
export type DeclareIncidentInput = Omit<DeclareIncident['data'], 'incidentId'>;

export interface IncidentCommandResult extends CommandResult<IncidentState> {
  readonly incidentId: string;
}

/** Application service for the incident aggregate: ids and metadata in, decider does the rest. */
export class IncidentCommands {
  constructor(private readonly handler: CommandHandler) {}

  async declare(input: DeclareIncidentInput, context: CommandContext): Promise<IncidentCommandResult> {
    // Under an Idempotency-Key the new incident's id is derived from it, so a retry after a crash
    // finds the same stream instead of declaring a second incident.
    const incidentId = context.idempotencySeed ? deterministicId(`${context.idempotencySeed}:incident`) : newId();
    const result = await this.handler.handle(
      incidentAggregate,
      incidentStreamId(incidentId),
      (metadata) => ({ type: 'DeclareIncident' as const, data: { ...input, incidentId }, metadata }),
      context,
    );
    return { ...result, incidentId };
  }

  async execute(incidentId: string, input: IncidentCommandInput, context: CommandContext): Promise<IncidentCommandResult> {
    const result = await this.handler.handle(
      incidentAggregate,
      incidentStreamId(incidentId),
      (metadata) => ({ ...input, metadata }) as IncidentCommand,
      context,
    );
    return { ...result, incidentId };
  }
}
