import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config.schema';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.variable} ${p.message}`);
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 3000,
      CAUSEWAY_DATA_DIR: './data',
      CAUSEWAY_STORE: 'sqlite',
      CAUSEWAY_WEBHOOK_ALLOW_PRIVATE: false,
      CAUSEWAY_SCHEDULER_INTERVAL_MS: 1000,
    });
  });

  it('parses numbers and booleans from strings', () => {
    const config = loadConfig({ PORT: '8080', CAUSEWAY_WEBHOOK_ALLOW_PRIVATE: 'true', CAUSEWAY_SCHEDULER_INTERVAL_MS: '250' });
    expect(config.PORT).toBe(8080);
    expect(config.CAUSEWAY_WEBHOOK_ALLOW_PRIVATE).toBe(true);
    expect(config.CAUSEWAY_SCHEDULER_INTERVAL_MS).toBe(250);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ CAUSEWAY_STORE: 'mysql' }, 'CAUSEWAY_STORE'],
    [{ CAUSEWAY_STORE: 'postgres' }, 'DATABASE_URL'],
    [{ CAUSEWAY_STORE: 'eventstoredb' }, 'EVENTSTOREDB_URL'],
    [{ CAUSEWAY_BOOTSTRAP_ADMIN_KEY: 'short' }, 'CAUSEWAY_BOOTSTRAP_ADMIN_KEY'],
    [{ CAUSEWAY_WEBHOOK_ALLOW_PRIVATE: 'maybe' }, 'CAUSEWAY_WEBHOOK_ALLOW_PRIVATE'],
    [{ CAUSEWAY_SCHEDULER_INTERVAL_MS: '0' }, 'CAUSEWAY_SCHEDULER_INTERVAL_MS'],
  ])('rejects %j naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (error) {
      expect((error as ConfigError).problems.map((p) => p.variable)).toContain(variable);
      expect((error as Error).message).toContain(variable);
    }
  });

  it('ignores variables it does not own and empty values', () => {
    expect(loadConfig({ HOME: '/root', PORT: '' }).PORT).toBe(3000);
  });

  describe('CAUSEWAY_CAUSE_TAXONOMY_FILE', () => {
    let dir: string;
    const write = (name: string, text: string): string => {
      const file = join(dir, name);
      writeFileSync(file, text);
      return file;
    };

    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'causeway-config-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('leaves the taxonomy to the default when unset or empty', () => {
      expect(loadConfig({}).causeTaxonomy).toBeNull();
      expect(loadConfig({ CAUSEWAY_CAUSE_TAXONOMY_FILE: '' }).causeTaxonomy).toBeNull();
    });

    it('reads a valid file', () => {
      const categories = [{ id: 'people', label: 'People', description: 'Staffing and skills' }];
      const file = write('valid.json', JSON.stringify(categories));
      const config = loadConfig({ CAUSEWAY_CAUSE_TAXONOMY_FILE: file });
      expect(config.CAUSEWAY_CAUSE_TAXONOMY_FILE).toBe(file);
      expect(config.causeTaxonomy).toEqual(categories);
    });

    it('names the variable and the file when the file is missing', () => {
      const file = join(dir, 'missing.json');
      expect(problemsOf({ CAUSEWAY_CAUSE_TAXONOMY_FILE: file })).toEqual([`CAUSEWAY_CAUSE_TAXONOMY_FILE ${file} does not exist`]);
    });

    it('names the variable when the path is not a readable file', () => {
      expect(problemsOf({ CAUSEWAY_CAUSE_TAXONOMY_FILE: dir })).toEqual([expect.stringMatching(new RegExp(`^CAUSEWAY_CAUSE_TAXONOMY_FILE ${dir} cannot be read \\(.*EISDIR`))]);
    });

    it('names the variable when the file is not JSON', () => {
      const file = write('broken.json', '[{ "id": "people" ');
      expect(problemsOf({ CAUSEWAY_CAUSE_TAXONOMY_FILE: file })).toEqual([expect.stringMatching(new RegExp(`^CAUSEWAY_CAUSE_TAXONOMY_FILE ${file} is not valid JSON \\(`))]);
    });

    it('names the variable and the entry for each problem in the file', () => {
      const file = write('invalid.json', JSON.stringify([{ id: 'people', label: 'People', description: 'd' }, { id: 'people', label: 'Again', description: 'd' }, { id: 'Bad Id', label: 'x', description: 'd' }]));
      expect(problemsOf({ CAUSEWAY_CAUSE_TAXONOMY_FILE: file })).toEqual([
        `CAUSEWAY_CAUSE_TAXONOMY_FILE ${file}: [2].id must be a lowercase slug (a-z, 0-9, words joined by single hyphens, e.g. "change-deployment"), got "Bad Id"`,
        `CAUSEWAY_CAUSE_TAXONOMY_FILE ${file}: [1].id duplicates [0].id "people"; ids must be unique`,
      ]);
    });

    it('names the variable for an empty array', () => {
      const file = write('empty.json', '[]');
      expect(problemsOf({ CAUSEWAY_CAUSE_TAXONOMY_FILE: file })).toEqual([`CAUSEWAY_CAUSE_TAXONOMY_FILE ${file} must list at least one category`]);
    });

    it('reports a bad file together with the other bad variables', () => {
      expect(problemsOf({ PORT: 'eighty', CAUSEWAY_CAUSE_TAXONOMY_FILE: join(dir, 'missing.json') }).map((p) => p.split(' ')[0])).toEqual([
        'PORT',
        'CAUSEWAY_CAUSE_TAXONOMY_FILE',
      ]);
    });
  });
});
