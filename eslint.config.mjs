// Lint: typescript-eslint for correctness, and Nx module boundaries to make the layering real
// (ARCHITECTURE.md): the domain depends on nothing, adapters on ports, apps compose.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const frameworks = ['@nestjs/*', 'typeorm', 'kafkajs', 'class-validator', 'class-transformer', 'better-sqlite3', 'pg', 'express', 'rxjs', 'pino', 'nestjs-pino'];

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', '**/tmp/**', '**/coverage/**', '.nx/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          banTransitiveDependencies: true,
          // Cycles through *.int-spec.ts files between the shared testing lib and the libs whose
          // specs use it (the event-store contract suite left libs/testing, and its exception with it).
          ignoredCircularDependencies: [['testing', 'read-models'], ['testing', 'application']],
          depConstraints: [
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain'], bannedExternalImports: frameworks },
            { sourceTag: 'type:config', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:application', onlyDependOnLibsWithTags: ['type:domain', 'type:port'], bannedExternalImports: ['@nestjs/typeorm', 'typeorm', 'better-sqlite3', 'pg', 'kafkajs', 'express'] },
            // Code that imports the port loads no database driver: the drivers are the adapter libs'.
            { sourceTag: 'type:port', onlyDependOnLibsWithTags: ['type:domain'], bannedExternalImports: ['better-sqlite3', 'pg', '@eventstore/db-client'] },
            { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:domain', 'type:application', 'type:port', 'type:infra', 'type:config'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:domain', 'type:application', 'type:port', 'type:infra', 'type:config'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:application', 'type:port', 'type:infra', 'type:config', 'type:testing'] },
          ],
        },
      ],
    },
  },
  {
    // Tests may use the shared testing lib and real adapters to check the code they sit beside.
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
];
