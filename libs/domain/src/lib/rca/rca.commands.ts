import type { Command } from '../shared/decider';
import type { IncidentStatus } from '../incident/incident.types';
import type { RcaContent } from './rca.types';

/** Creates the RCA on first save, updates the draft afterwards (`PUT /incidents/:id/rca`). */
export type SaveRcaDraft = Command<
  'SaveRcaDraft',
  {
    readonly incidentId: string;
    /**
     * The incident's current status, read by the caller: the RCA lives in its own stream, and a
     * decider sees only its own state.
     */
    readonly incidentStatus: IncidentStatus;
    /** Ids of the configured cause taxonomy; `category` and each factor's category must be one of them. */
    readonly categories: readonly string[];
  } & Omit<RcaContent, 'lessons'> & {
      /** Absent or empty means no lessons written yet (stored as `null`). */
      readonly lessons?: string;
    }
>;

export type SubmitRca = Command<'SubmitRca', Record<string, never>>;

export type RequestRcaChanges = Command<'RequestRcaChanges', { readonly comment: string }>;

export type ApproveRca = Command<'ApproveRca', Record<string, never>>;

export type PublishRca = Command<'PublishRca', Record<string, never>>;

export type RcaCommand = SaveRcaDraft | SubmitRca | RequestRcaChanges | ApproveRca | PublishRca;
