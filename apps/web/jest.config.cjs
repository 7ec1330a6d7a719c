// Component and store tests of the web app (jsdom per file via the docblock). Kept apart from the
// server's config because these compile JSX against the DOM libraries.
const path = require("node:path");

/** @type {import('jest').Config} */
module.exports = {
  displayName: "web",
  rootDir: path.resolve(__dirname, "../.."),
  roots: ["<rootDir>/apps/web/src"],
  testMatch: ["**/*.test.ts", "**/*.test.tsx"],
  testEnvironment: "node",
  transform: {
    "^.+\\.tsx?$": ["ts-jest", { tsconfig: "<rootDir>/apps/web/tsconfig.jest.json" }],
  },
  setupFilesAfterEnv: ["<rootDir>/apps/web/src/testing/setup-after-env.ts"],
  moduleNameMapper: {
    "\\.(css|svg|png)$": "<rootDir>/apps/web/src/testing/file-stub.cjs",
  },
};
