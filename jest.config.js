/** Unit tests (rules, no I/O) beside the code; e2e tests through HTTP against the real database in test/. */
const tsJest = ['ts-jest', { tsconfig: { allowJs: true, isolatedModules: true } }];
const common = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  testEnvironment: 'node',
  // content-disposition (used by Swagger UI's static files) ships ESM only: compile it for jest.
  transform: { '^.+\\.ts$': tsJest, '^.+/node_modules/content-disposition/.+\\.js$': tsJest },
  transformIgnorePatterns: ['/node_modules/(?!content-disposition/)'],
};

module.exports = {
  // testTimeout is a global option: jest ignores it inside a project.
  testTimeout: 60000,
  projects: [
    { ...common, displayName: 'unit', rootDir: 'src', testRegex: '.*\\.spec\\.ts$' },
    {
      ...common,
      displayName: 'e2e',
      rootDir: 'test',
      testRegex: '.*\\.e2e-spec\\.ts$',
      globalSetup: '<rootDir>/support/global-setup.ts',
      globalTeardown: '<rootDir>/support/global-teardown.ts',
    },
  ],
};
