import type { Rca, RcaContent } from '@causeway/domain';

/**
 * `GET /incidents/:id/rca`: the RCA folded from its stream, its content flattened beside the
 * workflow fields; `version` is the stream version (ETag).
 */
export type RcaResource = Omit<Rca, 'content'> & RcaContent & { readonly version: number };

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
