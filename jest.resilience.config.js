/**
 * `npm run test:resilience`: load, faults and hostile input against the real database. Kept out
 * of `npm test` (its own file suffix, its own config) because it takes minutes; .ci/run runs it.
 * One file at a time: the load and fault scenarios need the machine to themselves.
 */
const tsJest = ['ts-jest', { tsconfig: { allowJs: true, isolatedModules: true } }];

module.exports = {
  displayName: 'resilience',
  rootDir: 'test',
  testRegex: 'resilience/.*\\.resilience-spec\\.ts$',
  moduleFileExtensions: ['js', 'json', 'ts'],
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': tsJest, '^.+/node_modules/content-disposition/.+\\.js$': tsJest },
  transformIgnorePatterns: ['/node_modules/(?!content-disposition/)'],
  globalSetup: '<rootDir>/resilience/support/global-setup.ts',
  globalTeardown: '<rootDir>/support/global-teardown.ts',
  testTimeout: 120_000,
  maxWorkers: 1,
  // Child processes (the service, FerretDB) outlive a failed test's cleanup at times: never hang CI on them.
  forceExit: true,
};
