// End-to-end tier: the HTTP surface of a real server (supertest, or a spawned process).
module.exports = {
  ...require('./jest.preset'),
  displayName: 'e2e',
  reporters: ['default', ['<rootDir>/tools/summary-reporter.js', { tier: 'e2e' }]],
  testMatch: ['<rootDir>/apps/*/e2e/**/*.e2e-spec.ts'],
  testTimeout: 60000,
};
