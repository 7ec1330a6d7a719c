// One jest run over every workspace, so CI gets a single JSON summary. Three projects:
// - node: unit tests and integration tests (*.int.test.ts) against the embedded FerretDB and Redis,
//   which the global setup starts once; each test file isolates itself with its own database name;
// - web: the React app's component and store tests (jsdom per file);
// - e2e: the real stack in Debian's Chromium (playwright-core), needs `npm run build -w @kring/web`.
/** @type {import('jest').Config} */
module.exports = {
  globalSetup: "<rootDir>/packages/devstack/src/jest-global-setup.ts",
  globalTeardown: "<rootDir>/packages/devstack/src/jest-global-teardown.ts",
  testTimeout: 30000,
  maxWorkers: 2,
  // The JSON file is what .ci/run counts (scripts/jest-summary.js); the default reporter is for people.
  reporters: ["default", ["<rootDir>/scripts/jest-json-reporter.js", { outputFile: ".cache/jest-results.json" }]],
  projects: [
    {
      displayName: "node",
      testEnvironment: "node",
      roots: ["<rootDir>/apps", "<rootDir>/packages"],
      testMatch: ["**/src/**/*.test.ts"],
      testPathIgnorePatterns: ["/node_modules/", "<rootDir>/apps/web/"],
      transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "<rootDir>/tsconfig.base.json" }] },
    },
    "<rootDir>/apps/web/jest.config.cjs",
    "<rootDir>/e2e/jest.config.cjs",
  ],
};
