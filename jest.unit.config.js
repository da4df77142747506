// Unit tier: pure code and in-memory doubles only, `*.spec.ts` beside the code.
module.exports = { ...require('./jest.preset'), displayName: 'unit',
  reporters: ['default', ['<rootDir>/tools/summary-reporter.js', { tier: 'unit' }]], testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] };
