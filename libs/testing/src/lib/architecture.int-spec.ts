import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { importCycles } from './import-cycles';

const root = join(__dirname, '..', '..', '..', '..');

/** The layering of ADR 0001 is real only if lint fails on a violation: prove it does. */
describe('Nx module boundaries', () => {
  beforeAll(() => {
    // The boundary rule reads Nx's project graph; computing it is what `nx run-many -t lint` does first.
    execFileSync(process.execPath, [require.resolve('nx/bin/nx'), 'show', 'projects'], {
      cwd: root,
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
      stdio: 'pipe',
    });
  });

  /** Lints source text as if it stood at `filePath`, in a separate process as `npm run lint` does. */
  async function lintErrors(code: string, filePath: string, ruleId: string): Promise<string[]> {
    const run = spawnSync(process.execPath, [join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--stdin', '--stdin-filename', filePath, '--format', 'json'], {
      cwd: root,
      input: code,
      encoding: 'utf8',
    });
    const [result] = JSON.parse(run.stdout) as { messages: { ruleId: string | null; message: string }[] }[];
    return result.messages.filter((m) => m.ruleId === ruleId).map((m) => m.message);
  }

  function boundaryErrors(code: string, filePath: string): Promise<string[]> {
    return lintErrors(code, filePath, '@nx/enforce-module-boundaries');
  }

  it('refuses a framework import in the domain', async () => {
    const errors = await boundaryErrors("import { Injectable } from '@nestjs/common';\nexport const x = Injectable;\n", 'libs/domain/src/lib/lint-probe.bad.ts');
    expect(errors.join('\n')).toMatch(/@nestjs\/common/);
  });

  it('refuses a domain import of the application layer', async () => {
    const errors = await boundaryErrors("import { CommandHandler } from '@causeway/application';\nexport const x = CommandHandler;\n", 'libs/domain/src/lib/lint-probe.bad.ts');
    expect(errors.length).toBeGreaterThan(0);
  });

  it('refuses a database driver in the application layer', async () => {
    const errors = await boundaryErrors("import Database from 'better-sqlite3';\nexport const x = Database;\n", 'libs/application/src/lib/lint-probe.bad.ts');
    expect(errors.join('\n')).toMatch(/better-sqlite3/);
  });

  it('refuses a database driver in the event-store port', async () => {
    const errors = await boundaryErrors("import { Pool } from 'pg';\nexport const x = Pool;\n", 'libs/event-store/src/lib/lint-probe.bad.ts');
    expect(errors.join('\n')).toMatch(/pg/);
  });

  it('allows the application layer to use the domain and the event-store port', async () => {
    const errors = await boundaryErrors(
      "import { incidentDecider } from '@causeway/domain';\nimport type { EventStore } from '@causeway/event-store';\nexport const x: [unknown, EventStore | null] = [incidentDecider, null];\n",
      'libs/application/src/lib/lint-probe.good.ts',
    );
    expect(errors).toEqual([]);
  });

  it('keeps the boundaries in spec files', async () => {
    const errors = await boundaryErrors("import { Injectable } from '@nestjs/common';\nexport const x = Injectable;\n", 'libs/domain/src/lib/lint-probe.bad.spec.ts');
    expect(errors.join('\n')).toMatch(/@nestjs\/common/);
  });

  it('lets spec files use the testing lib', async () => {
    const errors = await boundaryErrors("import { seededRandom } from '@causeway/testing';\nexport const x = seededRandom;\n", 'libs/domain/src/lib/lint-probe.good.spec.ts');
    expect(errors).toEqual([]);
  });

  it('refuses a promise nobody awaits (type-aware rules are on)', async () => {
    const code = 'async function later(): Promise<void> {}\nexport function now(): void {\n  later();\n}\n';
    const errors = await lintErrors(code, 'libs/application/src/lib/lint-probe.bad.ts', '@typescript-eslint/no-floating-promises');
    expect(errors).toHaveLength(1);
  });
});

describe('project internals', () => {
  const projects = ['apps', 'libs'].flatMap((top) => readdirSync(join(root, top)).map((name) => `${top}/${name}`));

  it.each(projects)('%s has no import cycles between its files', (project) => {
    expect(importCycles(join(root, project))).toEqual([]);
  });

  /** The modules a fresh Node process has loaded after requiring `entries`, as package names. */
  function driversLoadedBy(entries: readonly string[]): string[] {
    const script = `
      for (const entry of JSON.parse(process.env.ENTRIES)) require(entry);
      const drivers = ['better-sqlite3', 'pg', '@eventstore/db-client'];
      const loaded = Object.keys(require.cache).map((file) => file.split('/node_modules/').pop());
      process.stdout.write(JSON.stringify(drivers.filter((name) => loaded.some((path) => path.startsWith(name + '/')))));`;
    const output = execFileSync(process.execPath, ['-r', '@swc-node/register', '-e', script], {
      cwd: root,
      env: { ...process.env, ENTRIES: JSON.stringify(entries.map((entry) => join(root, entry))) },
      encoding: 'utf8',
    });
    return JSON.parse(output) as string[];
  }

  it('loads no database driver with the event-store port or its contract suite', () => {
    expect(driversLoadedBy(['libs/event-store/src/index.ts', 'libs/event-store/src/testing/index.ts'])).toEqual([]);
  });

  it('sees the driver an adapter lib loads (the check above can fail)', () => {
    expect(driversLoadedBy(['libs/event-store-sqlite/src/index.ts'])).toEqual(['better-sqlite3']);
  });
});
