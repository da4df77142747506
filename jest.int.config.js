// Integration tier: real SQLite files, real servers, `*.int-spec.ts` beside the code.
module.exports = {
  ...require('./jest.preset'),
  displayName: 'int',
  reporters: ['default', ['<rootDir>/tools/summary-reporter.js', { tier: 'int' }]],
  testMatch: ['<rootDir>/{apps,libs}/**/*.int-spec.ts'],
  testTimeout: 60000,
};
