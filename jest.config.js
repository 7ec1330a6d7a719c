// One jest run over every workspace, so CI gets a single JSON summary. Integration tests
// (*.int.test.ts) share the embedded FerretDB and Redis started once by the global setup;
// each test file isolates itself with its own database name.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/apps", "<rootDir>/packages"],
  testMatch: ["**/src/**/*.test.ts"],
  // The web app's tests run in their own jest project (jsdom); merged below when it lands.
  testPathIgnorePatterns: ["/node_modules/", "/apps/web/"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "<rootDir>/tsconfig.base.json" }],
  },
  globalSetup: "<rootDir>/packages/devstack/src/jest-global-setup.ts",
  globalTeardown: "<rootDir>/packages/devstack/src/jest-global-teardown.ts",
  testTimeout: 30000,
  maxWorkers: 2,
};
