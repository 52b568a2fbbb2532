// The arrows of the design card, enforced: cli -> app -> runtime, router -> spec, profile -> shared.
// router and runtime never import each other; nothing below imports the CLI.
import tseslint from 'typescript-eslint';

const layer = (files, forbidden, why) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', { patterns: forbidden.map((group) => ({ group: [group], message: why })) }],
  },
});

export default tseslint.config(
  {
    ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'examples/**/*.js', 'test/fixtures/**/*.js', 'bench/out/**'],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  // CommonJS on purpose (bin/rehearse.cjs says why).
  { files: ['**/*.cjs'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  layer(
    ['src/shared/**'],
    ['**/spec/**', '**/profile/**', '**/runtime/**', '**/router/**', '**/app/**', '**/cli/**'],
    'shared is the leaf layer',
  ),
  layer(
    ['src/spec/**', 'src/profile/**'],
    ['**/runtime/**', '**/router/**', '**/app/**', '**/cli/**'],
    'spec and profile sit below runtime, router, app and cli',
  ),
  layer(
    ['src/runtime/**'],
    ['**/router/**', '**/app/**', '**/cli/**'],
    'runtime never imports the router, the app or the CLI',
  ),
  layer(
    ['src/router/**'],
    ['**/runtime/**', '**/app/**', '**/cli/**'],
    'the router knows upstreams as URLs, not containers',
  ),
  layer(['src/app/**'], ['**/cli/**'], 'the library never imports the CLI'),
);
