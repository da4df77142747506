import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';

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
  async function boundaryErrors(code: string, filePath: string): Promise<string[]> {
    const run = spawnSync(process.execPath, [join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--stdin', '--stdin-filename', filePath, '--format', 'json'], {
      cwd: root,
      input: code,
      encoding: 'utf8',
    });
    const [result] = JSON.parse(run.stdout) as { messages: { ruleId: string | null; message: string }[] }[];
    return result.messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
  }

  it('refuses a framework import in the domain', async () => {
    const errors = await boundaryErrors("import { Injectable } from '@nestjs/common';\nexport const x = Injectable;\n", 'libs/domain/src/lib/bad.ts');
    expect(errors.join('\n')).toMatch(/@nestjs\/common/);
  });

  it('refuses a domain import of the application layer', async () => {
    const errors = await boundaryErrors("import { CommandHandler } from '@causeway/application';\nexport const x = CommandHandler;\n", 'libs/domain/src/lib/bad.ts');
    expect(errors.length).toBeGreaterThan(0);
  });

  it('refuses a database driver in the application layer', async () => {
    const errors = await boundaryErrors("import Database from 'better-sqlite3';\nexport const x = Database;\n", 'libs/application/src/lib/bad.ts');
    expect(errors.join('\n')).toMatch(/better-sqlite3/);
  });

  it('allows the application layer to use the domain and the event-store port', async () => {
    const errors = await boundaryErrors(
      "import { incidentDecider } from '@causeway/domain';\nimport type { EventStore } from '@causeway/event-store';\nexport const x: [unknown, EventStore | null] = [incidentDecider, null];\n",
      'libs/application/src/lib/good.ts',
    );
    expect(errors).toEqual([]);
  });
});
