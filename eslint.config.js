// Type-aware lint plus the dependency direction from docs/architecture.md:
// common ← platform ← access, audit ← modules (only via each other's index.ts) ← app.ts, cli, jobs.
// web imports only common. Migrations import nothing but kysely.
import tseslint from 'typescript-eslint';

const moduleBoundary = {
  // `../other/anything.js` except `../other/index.js`, and the same reached through modules/.
  regex: '^\\.\\./(?!\\.\\.)[^/]+/(?!index\\.js$)[^/]+$|/modules/[^/]+/(?!index\\.js$)[^/]+$',
  message: 'Import another module only through its index.ts.',
};

// Test-only code (server/test-support/, any `*.testing.*` file) is never imported by production
// code: it bypasses the rules (sessions without a credential, fake audit) and is not in dist/.
// Tests, test/ and bench/ may import it. Repeated in every block below that sets
// no-restricted-imports, because a later block's options replace an earlier one's.
const testOnly = {
  regex: '(^|/)test-support(/|$)|\\.testing(\\.[cm]?[jt]sx?)?$',
  message: 'Production code may not import test-only code (test-support/, *.testing.*).',
};
const TESTS = ['**/*.test.ts', '**/*.spec.ts', 'server/test-support/**'];

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
    files: ['server/**/*.ts', 'cli/**/*.ts'],
    ignores: TESTS,
    rules: { 'no-restricted-imports': ['error', { patterns: [testOnly] }] },
  },
  {
    files: ['common/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/server/**', '**/web/**', '**/cli/**', 'node:*'], message: 'common is isomorphic and depends on nothing.' }] }] },
  },
  {
    files: ['server/platform/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/access/**', '**/audit/**', '**/modules/**', '**/app.js'], message: 'platform has no business rules: it may not import access, audit or modules.' }, testOnly] }],
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
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/modules/**', '**/app.js'], message: 'access and audit sit below the domain modules.' }, { group: ['../access/*', '!../access/index.js', '../audit/*', '!../audit/index.js'], message: 'Import access and audit through their index.ts.' }, testOnly] }],
    },
  },
  {
    files: ['server/modules/*/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [moduleBoundary, { group: ['../../access/*', '!../../access/index.js', '../../audit/*', '!../../audit/index.js'], message: 'Import access and audit through their index.ts.' }, { group: ['**/app.js'], message: 'Modules do not import the composition root.' }, testOnly] }],
    },
  },
  // SQL only in repositories (`*.repository.ts`; table types in `*.tables.ts`): no Kysely query
  // builder, raw `sql`, `tablesOf` handle or raw better-sqlite3 `prepare` anywhere else in a
  // module. Every module under server/modules/, server/access/ and server/audit/ passes it (a new
  // one starts inside it).
  {
    files: ['server/modules/**/*.ts', 'server/access/**/*.ts', 'server/audit/**/*.ts'],
    ignores: ['**/*.repository.ts', '**/*.tables.ts', '**/*.test.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.property.name=/^(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto)$/]", message: 'SQL belongs in this module’s *.repository.ts.' },
        { selector: "CallExpression[callee.name='tablesOf']", message: 'Table handles belong in this module’s *.repository.ts.' },
        { selector: "TaggedTemplateExpression[tag.name='sql']", message: 'SQL belongs in this module’s *.repository.ts.' },
        { selector: "CallExpression[callee.property.name='prepare']", message: 'SQL (raw prepared statements too) belongs in this module’s *.repository.ts.' },
      ],
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
