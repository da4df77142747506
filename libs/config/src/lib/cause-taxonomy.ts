import { z } from 'zod';

/**
 * One entry of a configured cause taxonomy. Structurally the domain's `CauseCategory`: libs/config
 * depends on no other project, so the shape is restated here rather than imported.
 */
export interface CauseTaxonomyEntry {
  readonly id: string;
  readonly label: string;
  readonly description: string;
}

/**
 * Bounds for a taxonomy file. Ids stay within the 100 characters the RCA DTOs accept for a
 * category; the list stays short enough to pick from and to name in a validation error.
 */
export const CAUSE_TAXONOMY_LIMITS = {
  maxCategories: 100,
  idMaxLength: 100,
  labelMaxLength: 100,
  descriptionMaxLength: 1000,
} as const;

/** Ids are stored in events for good, so they are plain slugs: no case or spacing variants to drift. */
export const CAUSE_CATEGORY_ID_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** A long list of problems from one bad file helps nobody; the first few say what is wrong. */
const MAX_REPORTED_PROBLEMS = 10;

export interface CauseTaxonomyProblem {
  /** Where in the file, e.g. `[3].id`; empty for the document as a whole. */
  readonly path: string;
  readonly message: string;
}

export type CauseTaxonomyResult =
  | { readonly ok: true; readonly categories: readonly CauseTaxonomyEntry[] }
  | { readonly ok: false; readonly problems: readonly CauseTaxonomyProblem[] };

const requiredString = z.string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') });

const nonBlankText = (max: number) =>
  requiredString
    .max(max, { error: (issue) => `must be at most ${max} characters, got ${String(issue.input).length}` })
    .refine((value) => value.trim().length > 0, 'must not be empty');

const entrySchema = z.strictObject(
  {
    id: requiredString
      .max(CAUSE_TAXONOMY_LIMITS.idMaxLength, {
        error: (issue) => `must be at most ${CAUSE_TAXONOMY_LIMITS.idMaxLength} characters, got ${String(issue.input).length}`,
      })
      .regex(CAUSE_CATEGORY_ID_PATTERN, {
        error: (issue) => `must be a lowercase slug (a-z, 0-9, words joined by single hyphens, e.g. "change-deployment"), got ${JSON.stringify(issue.input)}`,
      }),
    label: nonBlankText(CAUSE_TAXONOMY_LIMITS.labelMaxLength),
    description: nonBlankText(CAUSE_TAXONOMY_LIMITS.descriptionMaxLength),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `has unknown field ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}; allowed: id, label, description`
        : 'must be an object with id, label and description',
  },
);

export const causeTaxonomySchema = z
  .array(entrySchema, { error: 'must be a JSON array of categories ({ "id", "label", "description" })' })
  .min(1, 'must list at least one category')
  .max(CAUSE_TAXONOMY_LIMITS.maxCategories, {
    error: (issue) => `must list at most ${CAUSE_TAXONOMY_LIMITS.maxCategories} categories, got ${Array.isArray(issue.input) ? issue.input.length : '?'}`,
  })
  .superRefine((entries, ctx) => {
    const firstIndex = new Map<string, number>();
    entries.forEach((entry, index) => {
      const earlier = firstIndex.get(entry.id);
      if (earlier === undefined) firstIndex.set(entry.id, index);
      else ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `duplicates [${earlier}].id ${JSON.stringify(entry.id)}; ids must be unique` });
    });
  });

/**
 * Parses the text of a taxonomy file (a JSON array of `{ id, label, description }`). Pure: the
 * caller reads the file and names the variable in its error.
 */
export function parseCauseTaxonomy(text: string): CauseTaxonomyResult {
  let document: unknown;
  try {
    // Editors on some platforms save JSON with a byte-order mark, which JSON.parse refuses.
    document = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    return { ok: false, problems: [{ path: '', message: `is not valid JSON (${error instanceof Error ? error.message : String(error)})` }] };
  }
  const result = causeTaxonomySchema.safeParse(document);
  if (result.success) {
    return { ok: true, categories: result.data.map(({ id, label, description }) => ({ id, label, description })) };
  }
  const problems = result.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
  if (problems.length <= MAX_REPORTED_PROBLEMS) return { ok: false, problems };
  return {
    ok: false,
    problems: [...problems.slice(0, MAX_REPORTED_PROBLEMS), { path: '', message: `has ${problems.length - MAX_REPORTED_PROBLEMS} more problems` }],
  };
}

/** `[3].id` style, as a person would point into the file. */
function formatPath(path: readonly PropertyKey[]): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`)).join('');
}
