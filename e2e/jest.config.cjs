// Browser end-to-end tests: the real stack (FerretDB, Redis, server, worker) and the built web
// app, driven through Debian's Chromium with playwright-core. Each file starts its own browser and
// its own server and worker (in a database of their own), so files may run in parallel.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- jest loads this file as CommonJS
const path = require("node:path");

/** @type {import('jest').Config} */
module.exports = {
  displayName: "e2e",
  rootDir: path.resolve(__dirname, ".."),
  roots: ["<rootDir>/e2e"],
  testMatch: ["**/*.e2e.ts"],
  testEnvironment: "node",
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "<rootDir>/e2e/tsconfig.json" }],
  },
  testTimeout: 180_000,
};
