import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CAUSE_TAXONOMY_LIMITS, parseCauseTaxonomy, type CauseTaxonomyProblem } from './cause-taxonomy';

const entry = (id: string, label = `Label of ${id}`, description = `Description of ${id}`) => ({ id, label, description });

function problemsOf(document: unknown): readonly CauseTaxonomyProblem[] {
  const result = parseCauseTaxonomy(typeof document === 'string' ? document : JSON.stringify(document));
  if (result.ok) throw new Error(`expected problems, got ${JSON.stringify(result.categories)}`);
  return result.problems;
}

describe('parseCauseTaxonomy', () => {
  it('accepts an array of { id, label, description } and keeps its order', () => {
    const result = parseCauseTaxonomy(JSON.stringify([entry('people'), entry('tooling-2')]));
    expect(result).toEqual({ ok: true, categories: [entry('people'), entry('tooling-2')] });
  });

  it('accepts the example file shipped in docs/examples', () => {
    const text = readFileSync(join(__dirname, '..', '..', '..', '..', 'docs', 'examples', 'cause-taxonomy.json'), 'utf8');
    const result = parseCauseTaxonomy(text);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.categories.map((c) => c.id)).toContain('data-quality');
  });

  it('accepts a file saved with a byte-order mark', () => {
    expect(parseCauseTaxonomy(`\uFEFF${JSON.stringify([entry('people')])}`).ok).toBe(true);
  });

  it('refuses text that is not JSON', () => {
    expect(problemsOf('[{ "id": "people", }]')).toEqual([{ path: '', message: expect.stringMatching(/^is not valid JSON \(.+\)$/) }]);
  });

  it.each([
    ['an empty array', [], 'must list at least one category'],
    ['an object', { people: 'People' }, 'must be a JSON array of categories ({ "id", "label", "description" })'],
    ['null', null, 'must be a JSON array of categories ({ "id", "label", "description" })'],
  ])('refuses %s', (_name, document, message) => {
    expect(problemsOf(document)).toEqual([{ path: '', message }]);
  });

  it('refuses duplicate ids, naming the later entry and the first', () => {
    expect(problemsOf([entry('people'), entry('tooling'), entry('people', 'Humans')])).toEqual([
      { path: '[2].id', message: 'duplicates [0].id "people"; ids must be unique' },
    ]);
  });

  it.each(['People', 'people factors', 'people--factors', '-people', 'people-', 'personnel_factors', 'p\u0435ople', ''])('refuses the id %j', (id) => {
    const problems = problemsOf([entry('tooling'), entry(id)]);
    expect(problems.map((p) => p.path)).toEqual(['[1].id']);
    expect(problems[0]?.message).toBe(`must be a lowercase slug (a-z, 0-9, words joined by single hyphens, e.g. "change-deployment"), got ${JSON.stringify(id)}`);
  });

  it('refuses missing, blank, mistyped and unknown fields, each under its own path', () => {
    const problems = problemsOf([{ id: 'people', description: 'd' }, { id: 'tooling', label: '  ', description: 'd' }, { id: 3, label: 'L', description: 'd' }, { ...entry('x'), lable: 'typo' }, 'people']);
    expect(problems).toEqual([
      { path: '[0].label', message: 'is required' },
      { path: '[1].label', message: 'must not be empty' },
      { path: '[2].id', message: 'must be a string' },
      { path: '[3]', message: 'has unknown field "lable"; allowed: id, label, description' },
      { path: '[4]', message: 'must be an object with id, label and description' },
    ]);
  });

  it('bounds the number of categories and the length of each field', () => {
    const many = Array.from({ length: CAUSE_TAXONOMY_LIMITS.maxCategories + 1 }, (_, i) => entry(`cause-${i}`));
    expect(parseCauseTaxonomy(JSON.stringify(many.slice(1))).ok).toBe(true);
    expect(problemsOf(many)).toEqual([{ path: '', message: `must list at most ${CAUSE_TAXONOMY_LIMITS.maxCategories} categories, got ${many.length}` }]);

    const longest = entry('a'.repeat(CAUSE_TAXONOMY_LIMITS.idMaxLength), 'L'.repeat(CAUSE_TAXONOMY_LIMITS.labelMaxLength), 'D'.repeat(CAUSE_TAXONOMY_LIMITS.descriptionMaxLength));
    expect(parseCauseTaxonomy(JSON.stringify([longest])).ok).toBe(true);
    const tooLong = { id: `${longest.id}a`, label: `${longest.label}L`, description: `${longest.description}D` };
    expect(problemsOf([tooLong])).toEqual([
      { path: '[0].id', message: `must be at most ${CAUSE_TAXONOMY_LIMITS.idMaxLength} characters, got ${CAUSE_TAXONOMY_LIMITS.idMaxLength + 1}` },
      { path: '[0].label', message: `must be at most ${CAUSE_TAXONOMY_LIMITS.labelMaxLength} characters, got ${CAUSE_TAXONOMY_LIMITS.labelMaxLength + 1}` },
      {
        path: '[0].description',
        message: `must be at most ${CAUSE_TAXONOMY_LIMITS.descriptionMaxLength} characters, got ${CAUSE_TAXONOMY_LIMITS.descriptionMaxLength + 1}`,
      },
    ]);
  });

  it('reports the first ten problems of a thoroughly wrong file and counts the rest', () => {
    const problems = problemsOf(Array.from({ length: 25 }, (_, i) => entry(`Cause ${i}`)));
    expect(problems).toHaveLength(11);
    expect(problems[9]?.path).toBe('[9].id');
    expect(problems[10]).toEqual({ path: '', message: 'has 15 more problems' });
  });
});
