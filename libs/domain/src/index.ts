// Public surface of @causeway/domain: other projects import only from here.
export * from './lib/shared/decider';
export * from './lib/shared/decider-specification';
export * from './lib/shared/causeway-error';
export * from './lib/shared/domain-error';
export * from './lib/shared/refusal-reasons';

export * from './lib/incident/incident.types';
export * from './lib/incident/incident.commands';
export * from './lib/incident/incident.events';
export * from './lib/incident/incident.state';
export * from './lib/incident/incident.decider';
export * from './lib/incident/incident.refusals';

export * from './lib/access/access.types';
export * from './lib/access/api-key.events';
export * from './lib/access/api-key.decider';
export * from './lib/access/api-key.refusals';

export * from './lib/rca/rca.types';
export * from './lib/rca/rca.commands';
export * from './lib/rca/rca.events';
export * from './lib/rca/rca.state';
export * from './lib/rca/rca.decider';
export * from './lib/rca/rca.refusals';

export * from './lib/action-item/action-item.types';
export * from './lib/action-item/action-item.commands';
export * from './lib/action-item/action-item.events';
export * from './lib/action-item/action-item.state';
export * from './lib/action-item/action-item.decider';
export * from './lib/action-item/action-item.refusals';
export * from './lib/action-item/action-item.history';
