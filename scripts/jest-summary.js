// Prints jest's --json result as the plain line CI reads: "N passed, N failed".
const fs = require("node:fs");
const file = process.argv[2];
if (!file || !fs.existsSync(file)) {
  console.error(`no jest results at ${file}: the test run did not finish`);
  console.log("0 passed, 1 failed");
  process.exit(1);
}
const result = JSON.parse(fs.readFileSync(file, "utf8"));
// A suite that fails to load counts as a failure even though it ran no test.
const brokenSuites = result.testResults.filter((suite) => suite.status === "failed" && suite.assertionResults.length === 0).length;
const skipped = result.numPendingTests + result.numTodoTests;
console.log(`${result.numPassedTests} passed, ${result.numFailedTests + brokenSuites} failed${skipped ? `, ${skipped} skipped` : ""}`);
