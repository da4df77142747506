import type { RcaContent, RcaStatus } from './rca.types';

export interface Rca {
  readonly incidentId: string;
  readonly status: RcaStatus;
  readonly content: RcaContent;
  readonly draftedAt: string;
  /** Last content save (the first draft counts). */
  readonly updatedAt: string;
  /** Latest submission; kept after changes are requested so review turnaround can be measured. */
  readonly submittedAt: string | null;
  readonly approvedAt: string | null;
  readonly publishedAt: string | null;
  /** The reviewer's latest request for changes, shown to the author while the RCA is back in draft. */
  readonly lastChangeRequest: { readonly comment: string; readonly requestedAt: string } | null;
}

/** Before `RcaDrafted` the state is `null`. */
export type RcaState = Rca | null;
