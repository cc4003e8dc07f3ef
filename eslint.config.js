// Type-aware lint plus the dependency direction from docs/architecture.md:
// common ← platform ← access, audit ← modules (only via each other's index.ts) ← app.ts, cli, jobs.
// web imports only common. Migrations import nothing but kysely.
import tseslint from 'typescript-eslint';

const moduleBoundary = {
  // `../other/anything.js` except `../other/index.js`, and the same reached through modules/.
  regex: '^\\.\\./(?!\\.\\.)[^/]+/(?!index\\.js$)[^/]+$|/modules/[^/]+/(?!index\\.js$)[^/]+$',
  message: 'Import another module only through its index.ts.',
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bench/results/**', 'data/**', 'bin/**', 'scripts/*.mjs', 'eslint.config.js'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['common/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/server/**', '**/web/**', '**/cli/**', 'node:*'], message: 'common is isomorphic and depends on nothing.' }] }] },
  },
  {
    files: ['server/platform/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/access/**', '**/audit/**', '**/modules/**', '**/app.js'], message: 'platform has no business rules: it may not import access, audit or modules.' }] }],
    },
  },
  {
    files: ['server/platform/db/migrations/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['./*', '../*'], message: 'Migrations are frozen in time: they import nothing from the code.' }] }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['server/access/**/*.ts', 'server/audit/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/modules/**', '**/app.js'], message: 'access and audit sit below the domain modules.' }, { group: ['../access/*', '!../access/index.js', '../audit/*', '!../audit/index.js'], message: 'Import access and audit through their index.ts.' }] }],
    },
  },
  {
    files: ['server/modules/*/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [moduleBoundary, { group: ['../../access/*', '!../../access/index.js', '../../audit/*', '!../../audit/index.js'], message: 'Import access and audit through their index.ts.' }, { group: ['**/app.js'], message: 'Modules do not import the composition root.' }] }],
    },
  },
  {
    files: ['web/**/*.ts', 'web/**/*.tsx'],
    languageOptions: { parserOptions: { projectService: false, project: './web/tsconfig.json' } },
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/server/**', '**/cli/**'], message: 'The web app talks to the server over HTTP and shares only common/.' }] }],
    },
  },
);
