export const RCA_STATUSES = ['draft', 'in_review', 'approved', 'published'] as const;
export type RcaStatus = (typeof RCA_STATUSES)[number];

/** One entry of the cause taxonomy; `id` is a stable slug stored in events, `label` is for people. */
export interface CauseCategory {
  readonly id: string;
  readonly label: string;
  readonly description: string;
}

/**
 * The taxonomy shipped when none is configured. It is deliberately coarse so trend reports over
 * months stay comparable; it covers both engineering causes and the operations / quality
 * governance side (process, people, outsourced vendors), which is where many repeat incidents live.
 */
export const DEFAULT_CAUSE_CATEGORIES: readonly CauseCategory[] = [
  {
    id: 'change-deployment',
    label: 'Change / deployment',
    description: 'A release, migration, feature-flag flip or other planned change introduced the fault.',
  },
  {
    id: 'capacity',
    label: 'Capacity',
    description: 'Demand exceeded provisioned capacity: traffic spikes, exhausted quotas, pools or storage.',
  },
  {
    id: 'dependency-third-party',
    label: 'Dependency / third party',
    description: 'An upstream service, SaaS provider or external API failed or degraded.',
  },
  {
    id: 'configuration',
    label: 'Configuration',
    description: 'A wrong or drifted setting, secret, certificate, DNS record or access rule.',
  },
  {
    id: 'process-human-factors',
    label: 'Process / human factors',
    description: 'A missing, unclear or unfollowed procedure, handover gap, training gap or manual slip.',
  },
  {
    id: 'vendor-bpo-quality',
    label: 'Vendor / BPO quality',
    description: 'An outsourced partner or BPO site missed its quality, accuracy or service-level commitments.',
  },
  {
    id: 'monitoring-gap',
    label: 'Monitoring gap',
    description: 'The problem was detected late or not at all because alerts, dashboards or checks were missing or noisy.',
  },
  {
    id: 'software-defect',
    label: 'Software defect',
    description: 'A latent bug in our own code surfaced without a recent change triggering it.',
  },
  {
    id: 'hardware-network',
    label: 'Hardware / network',
    description: 'Failed hosts, disks, network links, power or data-centre infrastructure.',
  },
  {
    id: 'unknown',
    label: 'Unknown',
    description: 'The cause could not be established; the RCA should say what evidence is missing.',
  },
];

export const DEFAULT_CAUSE_CATEGORY_IDS: readonly string[] = DEFAULT_CAUSE_CATEGORIES.map((c) => c.id);

/** Length limits of RCA content, shared by the decider and the HTTP DTOs. */
export const RCA_LIMITS = {
  maxWhys: 10,
  whyMaxLength: 1000,
  summaryMaxLength: 5000,
  rootCauseMaxLength: 5000,
  maxContributingFactors: 20,
  contributingFactorMaxLength: 2000,
  lessonsMaxLength: 5000,
  commentMaxLength: 2000,
} as const;

export interface ContributingFactor {
  /** A cause-category id from the configured taxonomy. */
  readonly category: string;
  readonly description: string;
}

/** What an author edits; the workflow status lives beside it in the state. */
export interface RcaContent {
  readonly summary: string;
  readonly rootCause: string;
  /** The primary cause-category id. */
  readonly category: string;
  readonly contributingFactors: readonly ContributingFactor[];
  /** The "5 whys" chain, first why first. */
  readonly whys: readonly string[];
  readonly lessons: string | null;
}

export const RCA_CONTENT_FIELDS = ['summary', 'rootCause', 'category', 'contributingFactors', 'whys', 'lessons'] as const;
export type RcaContentField = (typeof RCA_CONTENT_FIELDS)[number];

export const rcaStreamId = (incidentId: string): string => `rca-${incidentId}`;
