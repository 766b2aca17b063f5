import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.stack/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-console': 'error',
    },
  },
  {
    // CLIs, scripts, benchmarks and tests talk to a human on stdout.
    files: ['**/scripts/**', '**/bench/**', '**/test/**', 'test/**', '**/src/cli/**', 'deploy/**'],
    rules: { 'no-console': 'off' },
  },
);
