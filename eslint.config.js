import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['dist/', 'node_modules/', 'drizzle/', 'data/', 'test-output/', '.node24/'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { files: ['**/*.js', '**/*.mjs'], extends: [tseslint.configs.disableTypeChecked] },
  // The architecture, enforced (README "Code map"): shared imports nothing of ours; ingest and server never import
  // each other; health and alerts are pure (health may call alerts' config reader); app/ is the composition root that wires them; the browser takes only types from
  // shared/, plus the few browser-safe value modules named below.
  ...layer('shared', ['ingest', 'server', 'app', 'health', 'alerts', 'web']),
  ...layer('ingest', ['server', 'app', 'health', 'alerts', 'web']),
  ...layer('server', ['ingest', 'app', 'health', 'alerts', 'web']),
  ...layer('health', ['ingest', 'server', 'app', 'web']),
  ...layer('alerts', ['ingest', 'server', 'app', 'health', 'web']),
  ...layer('app', ['web']),
  // Benches share test/support with the tests, never the tests' own fixtures.
  ...layer('bench', ['test/e2e', 'test/fixtures']),
  {
    files: ['web/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+(ingest|server|app|health|alerts)/',
              message: 'web/ runs in the browser: it may import types from shared/ only.',
            },
            {
              // Values (not only types) from shared/ only from these browser-safe, dependency-free modules.
              regex: '^\\.\\./shared/(?!(events|api|normal-range|api-compare|end-reason)\\.js$)',
              allowTypeImports: true,
              message:
                'web/ may import only types from this shared/ module (values come from events, api, normal-range, api-compare, end-reason).',
            },
          ],
        },
      ],
    },
  },
  {
    // The browser-safe shared modules web/ may take values from: types only from the TypeBox schemas, or TypeBox
    // would land in the web bundle.
    files: ['shared/{events,api,normal-range,api-compare,end-reason}.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(@sinclair/typebox|\\./[\\w-]+-schemas\\.js|\\./api-schema-kit\\.js)$',
              allowTypeImports: true,
              message: 'web/ imports values from this module: take only types from the TypeBox schemas.',
            },
          ],
        },
      ],
    },
  },
  prettier,
);

/** A folder of the architecture and the folders it must not import from. */
function layer(folder, forbidden) {
  return [
    {
      files: [`${folder}/**/*.ts`],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              {
                regex: `^(\\.\\./)+(${forbidden.join('|')})/`,
                message: `${folder}/ must not import from ${forbidden.join(', ')}/ (see the README's code map).`,
              },
            ],
          },
        ],
      },
    },
  ];
}
