import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 60_000,
    // A poll waits on the page's workers or a child process; on a loaded 2-core machine (a CI run
    // beside QEMU boots) the default second is not enough, and a poll that passes returns at once.
    expect: { poll: { timeout: 15_000 } },
    pool: 'forks',
    // In CI a JSON report is kept too, so .ci/run can print a plain "N passed, N failed" line.
    reporters: process.env['CI'] ? ['default', 'json'] : ['default'],
    outputFile: { json: 'test-artifacts/vitest.json' },
  },
});
