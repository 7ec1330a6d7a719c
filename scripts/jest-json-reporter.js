// Writes jest's results in the shape of `jest --json` to .cache/jest-results.json, so that the
// README's plain `npm test` is what CI runs and scripts/jest-summary.js can still count the results.
const fs = require("node:fs");
const path = require("node:path");
const { formatTestResults } = require("@jest/test-result");

class JsonFileReporter {
  constructor(globalConfig, options = {}) {
    this.outputFile = path.resolve(globalConfig.rootDir, options.outputFile ?? ".cache/jest-results.json");
  }

  onRunStart() {
    fs.rmSync(this.outputFile, { force: true });
  }

  onRunComplete(_contexts, results) {
    fs.mkdirSync(path.dirname(this.outputFile), { recursive: true });
    fs.writeFileSync(this.outputFile, JSON.stringify(formatTestResults(results)));
  }
}

module.exports = JsonFileReporter;
