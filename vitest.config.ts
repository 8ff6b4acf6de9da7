import { defineConfig } from 'vitest/config';

// DynamoDB Local (DDB=local) answers each request several times slower than dynalite and starts a
// JVM per stack: the demo's year and the restart tests need longer limits there.
const slow = process.env.DDB === 'local' ? 3 : 1;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 60_000 * slow,
    hookTimeout: 120_000 * slow,
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'WARN' },
  },
});
