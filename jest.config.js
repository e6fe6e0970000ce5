// Native ESM jest (run with node --experimental-vm-modules). Type checking is done by `tsc --noEmit`
// in `npm test`, so ts-jest only transpiles (fast, and every file still gets decorator metadata).
// Inside jest, `@sfc/async-task` maps to the library's sources (one copy of every class per test
// process, no stale build); the processes the tests start and the consumer-app test use the built
// package through its exports map, as users do.
const tsJest = ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }];
const shared = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^@sfc/async-task$': '<rootDir>/libs/async-task/src/index.ts',
    '^@sfc/async-task/testing$': '<rootDir>/libs/async-task/src/testing/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: { '^.+\\.ts$': tsJest },
  testEnvironment: 'node',
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/libs/async-task/dist/', '<rootDir>/test/consumer-app/'],
};

export default {
  // Global (jest ignores it per project): cluster tests wait for failovers and real processes.
  testTimeout: 60000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.cjs'],
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/libs/**/src/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/libs/**/test/**/*.e2e-spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
      // A local Redis Cluster (Debian's redis-server) the suites also run against; see test/support/global-setup.mjs.
      globalSetup: '<rootDir>/test/support/global-setup.mjs',
      globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
    },
  ],
};
