// Lint: typescript-eslint for correctness (with the type-aware rules that catch real bugs here:
// promises nobody awaits, async callbacks where a void one is expected, switches that miss a case),
// and Nx module boundaries to make the layering real (docs/architecture.md): the domain depends on
// nothing, adapters on ports, apps compose. Boundaries hold in spec files too.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const frameworks = ['@nestjs/*', 'typeorm', 'kafkajs', 'class-validator', 'class-transformer', 'better-sqlite3', 'pg', 'express', 'rxjs', 'pino', 'nestjs-pino'];

const layers = {
  'type:domain': ['type:domain'],
  'type:config': [],
  'type:application': ['type:domain', 'type:port'],
  'type:port': ['type:domain'],
  'type:infra': ['type:domain', 'type:application', 'type:port', 'type:infra', 'type:config'],
  'type:testing': ['type:domain', 'type:application', 'type:port', 'type:infra', 'type:config'],
  'type:app': ['type:domain', 'type:application', 'type:port', 'type:infra', 'type:config', 'type:testing'],
};
const banned = {
  'type:domain': frameworks,
  'type:application': ['@nestjs/typeorm', 'typeorm', 'better-sqlite3', 'pg', 'kafkajs', 'express'],
  // Code that imports the port loads no database driver: the drivers are the adapter libs'.
  'type:port': ['better-sqlite3', 'pg', '@eventstore/db-client'],
};
const sourceConstraints = Object.entries(layers).map(([sourceTag, tags]) => ({
  sourceTag,
  onlyDependOnLibsWithTags: tags,
  ...(banned[sourceTag] ? { bannedExternalImports: banned[sourceTag] } : {}),
}));
// Tests add the testing lib; integration tests of the application layer run against real adapters.
const specConstraints = Object.entries(layers).map(([sourceTag, tags]) => ({
  sourceTag,
  onlyDependOnLibsWithTags: [...new Set([...tags, 'type:testing', ...(sourceTag === 'type:application' ? ['type:infra'] : [])])],
  ...(banned[sourceTag] ? { bannedExternalImports: banned[sourceTag] } : {}),
}));

function boundaries(depConstraints) {
  return {
    enforceBuildableLibDependency: false,
    banTransitiveDependencies: true,
    depConstraints,
  };
}

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', '**/tmp/**', '**/coverage/**', '.nx/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    // Files outside tsconfig.json: architecture test's probe files, which exist only on stdin.
    languageOptions: { parserOptions: { projectService: { allowDefaultProject: ['libs/*/src/lib/lint-probe.*.ts'] }, tsconfigRootDir: import.meta.dirname } },
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // `typeof import(...)` stays allowed: jest.mock factories are hoisted above the imports.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@nx/enforce-module-boundaries': ['error', boundaries(sourceConstraints)],
    },
  },
  {
    // Tests may also use the shared testing lib, and integration tests the real adapters, to check
    // the code they sit beside; every other boundary still holds.
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/testing/**/*.ts', '**/*.fixture.ts'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', boundaries(specConstraints)],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
];
