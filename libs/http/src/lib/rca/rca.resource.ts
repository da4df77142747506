import type { ContributingFactor, Rca, RcaStatus } from '@causeway/domain';

/** `GET /incidents/:id/rca`: the RCA folded from its stream; `version` is the stream version (ETag). */
export interface RcaResource {
  readonly incidentId: string;
  readonly summary: string;
  readonly rootCause: string;
  readonly category: string;
  readonly contributingFactors: readonly ContributingFactor[];
  readonly whys: readonly string[];
  readonly lessons: string | null;
  readonly status: RcaStatus;
  readonly version: number;
  readonly draftedAt: string;
  readonly updatedAt: string;
  readonly submittedAt: string | null;
  readonly approvedAt: string | null;
  readonly publishedAt: string | null;
  readonly lastChangeRequest: { readonly comment: string; readonly requestedAt: string } | null;
}

export function toRcaResource(rca: Rca, version: number): RcaResource {
  const { content } = rca;
  return {
    incidentId: rca.incidentId,
    summary: content.summary,
    rootCause: content.rootCause,
    category: content.category,
    contributingFactors: content.contributingFactors.map(({ category, description }) => ({ category, description })),
    whys: [...content.whys],
    lessons: content.lessons,
    status: rca.status,
    version,
    draftedAt: rca.draftedAt,
    updatedAt: rca.updatedAt,
    submittedAt: rca.submittedAt,
    approvedAt: rca.approvedAt,
    publishedAt: rca.publishedAt,
    lastChangeRequest: rca.lastChangeRequest === null ? null : { ...rca.lastChangeRequest },
  };
}
