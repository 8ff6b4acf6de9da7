// Type-aware linting (typescript-eslint "recommended type-checked") and the layer boundaries.
// `npm test` runs it (npm run lint), so CI fails on a lint error or a forbidden import.
import { readFileSync } from 'node:fs';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const devDependencies = Object.keys(pkg.devDependencies ?? {});

/** An import pattern list for no-restricted-imports: each entry forbids a path glob with a reason. */
const forbid = (message, ...group) => ({ group, message });
const noDevDependencies = forbid(
  'Code that ships in a Lambda bundle may import only runtime dependencies (package.json "dependencies").',
  ...devDependencies.flatMap((d) => [d, `${d}/*`]),
);
const noToolingFolders = forbid(
  'shared/ and functions/ ship to AWS: they never import web/, local/, test/, bench/ or infra/.',
  '**/web/*',
  '**/local/*',
  '**/test/*',
  '**/bench/*',
  '**/infra/*',
);

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', 'out/', '.data/', 'web/dist/', 'test-results/', '.cache/', '**/*.js', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['vitest.config.ts'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Unused names are an error, except the conventional `_` placeholder.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // The ports are async by contract; an implementation with nothing to await stays async so a
      // caller never meets a synchronous throw, and swapping it for an I/O one changes nothing.
      '@typescript-eslint/require-await': 'off',
      // The XML and email sanitisers match C0 control characters on purpose (XML 1.0 forbids them).
      'no-control-regex': 'off',
      // A late-bound `let` read by a closure before its one assignment (the local stack's provider) stays `let`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // prettier wraps code at 140; what it cannot wrap (prose in strings and templates) is exempt.
      'max-len': ['error', { code: 160, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreUrls: true, ignoreRegExpLiterals: true }],
    },
  },
  {
    // Tests assert on parsed JSON and on SDK outputs; `any` flows from expect() helpers there.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      // exceljs cell values and parsed XML are `unknown`-ish by design; tests stringify them to assert.
      '@typescript-eslint/no-base-to-string': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  // Layer boundaries (issue 14): what each folder may import.
  {
    files: ['shared/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            noDevDependencies,
            noToolingFolders,
            forbid(
              'shared/domain is pure: it imports only domain code (no adapters, use cases, AWS SDK or node I/O).',
              '../adapters/*',
              '../use-cases/*',
              '../ports.js',
              '../compose.js',
              '../runtime.js',
              '@aws-sdk/*',
              '@aws-lambda-powertools/*',
              'node:fs',
              'node:fs/*',
              'node:http',
              'node:https',
              'node:net',
              'node:child_process',
            ),
          ],
        },
      ],
    },
  },
  {
    files: ['shared/**/*.ts', 'functions/**/*.ts'],
    ignores: ['shared/domain/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noDevDependencies, noToolingFolders] }] },
  },
  {
    files: ['functions/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            noDevDependencies,
            noToolingFolders,
            { regex: '^\\.\\./(?!\\.\\./shared/)', message: 'A function imports only shared/ (and its own folder).' },
          ],
        },
      ],
    },
  },
  {
    files: ['infra/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            forbid(
              'infra/ takes definitions from shared/, never runtime adapters or use cases.',
              '**/shared/adapters/*',
              '**/shared/use-cases/*',
              '**/shared/compose.js',
            ),
            forbid('infra/ does not import the local stack, tests or pages.', '**/local/*', '**/test/*', '**/web/*'),
          ],
        },
      ],
    },
  },
);
