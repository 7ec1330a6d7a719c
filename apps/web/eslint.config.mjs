// The web app's lint: the repository's TypeScript rules plus React's hooks rules (the root
// config leaves apps/web to this file because it lints JSX for the browser).
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "**/*.cjs", "public/**"] },
  ...tseslint.configs.recommended,
  reactHooks.configs.flat.recommended,
  {
    files: ["**/*.ts", "**/*.tsx"],
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
    },
  },
  // The browser app talks to Kring only through the public contract.
  {
    files: ["src/**/*.ts", "src/**/*.tsx"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ regex: "^@kring/(?!protocol(/codes)?$)", message: "The web app imports only @kring/protocol (the public contract)." }] },
      ],
    },
  },
  // Features and the shared modules never import the shell (src/app): the shell imports them.
  {
    files: ["src/features/**", "src/lib/**", "src/navigation/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { regex: "^@kring/(?!protocol(/codes)?$)", message: "The web app imports only @kring/protocol (the public contract)." },
            { regex: "/app/", message: "Features never import the shell (src/app); shared primitives live in src/navigation and src/lib." },
          ],
        },
      ],
    },
  },
  {
    files: ["**/*.test.ts", "**/*.test.tsx", "src/testing/**"],
    rules: { "@typescript-eslint/no-non-null-assertion": "off" },
  },
);
