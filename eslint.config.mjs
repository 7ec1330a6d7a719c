// Lint rules that guard the architecture, not taste: env only in packages/config,
// no floating promises in handlers, no `any` leaking out of tests.
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/dist/**", ".cache/**", ".data/**", "apps/web/**"] },
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    rules: {
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read configuration through @kring/config (packages/config)." },
      ],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
    },
  },
  // Dependencies point one way (ARCHITECTURE.md): protocol ← domain ← db; apps wire them together.
  // The domain holds the rules and takes its storage, queues and transport as ports, so it may not
  // import them; the protocol is zod schemas only, shared with the browser.
  {
    files: ["packages/domain/src/**/*.ts"],
    ignores: ["packages/domain/src/**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: ["mongoose", "mongodb", "bullmq", "ioredis", "express", "socket.io", "@socket.io/redis-emitter", "@kring/db", "@kring/redis", "@kring/config"].map(
            (name) => ({ name, message: "The domain takes storage, queues and transport as ports (<feature>/<feature>.ports.ts); wire the implementation in an app." }),
          ),
          patterns: [{ group: ["node:*", "fs", "http", "https", "net", "child_process"], message: "The domain does no I/O: take it as a dependency." }],
        },
      ],
    },
  },
  {
    files: ["packages/protocol/src/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ regex: "^(?!zod$|\\.{1,2}/)", message: "packages/protocol is zod schemas only: it runs in the browser too." }] },
      ],
    },
  },
  {
    files: ["packages/config/src/**", "packages/devstack/src/**", "bench/**", "e2e/**"],
    rules: { "no-restricted-properties": "off" },
  },
  {
    files: ["**/*.test.ts", "**/testing/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off", "@typescript-eslint/no-non-null-assertion": "off" },
  },
);
