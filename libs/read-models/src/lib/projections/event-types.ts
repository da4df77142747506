import {
  ACTION_ITEM_EVENT_TYPES,
  API_KEY_EVENT_TYPES,
  INCIDENT_EVENT_TYPES,
  RCA_EVENT_TYPES,
  type ActionItemEvent,
  type ApiKeyEvent,
  type IncidentEvent,
  type RcaEvent,
} from '@causeway/domain';
import { EventTypes } from '@causeway/event-store';

/** The checked conversions from stored events to each aggregate's events, shared by the projections. */
export const INCIDENT_EVENTS = new EventTypes<IncidentEvent>(INCIDENT_EVENT_TYPES);
export const RCA_EVENTS = new EventTypes<RcaEvent>(RCA_EVENT_TYPES);
export const ACTION_ITEM_EVENTS = new EventTypes<ActionItemEvent>(ACTION_ITEM_EVENT_TYPES);
export const API_KEY_EVENTS = new EventTypes<ApiKeyEvent>(API_KEY_EVENT_TYPES);
