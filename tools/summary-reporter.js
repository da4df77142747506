// Jest reporter: prints "<tier>: N passed, N failed[, N skipped]" as the tier's last line and records
// the counts in tmp/test-results/<tier>.json, so .ci/run can print one total for the whole run.
const fs = require('node:fs');
const path = require('node:path');

class SummaryReporter {
  constructor(globalConfig, options = {}) {
    this.tier = options.tier ?? 'tests';
    this.root = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    const counts = { passed: results.numPassedTests, failed: results.numFailedTests, skipped: results.numPendingTests + results.numTodoTests };
    const dir = path.join(this.root, 'tmp', 'test-results');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${this.tier}.json`), JSON.stringify(counts));
    const skipped = counts.skipped ? `, ${counts.skipped} skipped` : '';
    process.stdout.write(`\n${this.tier}: ${counts.passed} passed, ${counts.failed} failed${skipped}\n`);
  }
}

module.exports = SummaryReporter;
