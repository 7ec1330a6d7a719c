import { spawnSync } from "node:child_process";
import path from "node:path";

// The dependency direction is enforced by lint (eslint.config.mjs, apps/web/eslint.config.mjs);
// these tests show the guard bites: a deliberate wrong import in each layer fails `npm run lint`.

const repoRoot = path.resolve(__dirname, "..", "..", "..");

/** Lints `code` as if it were `file`, the way `npm run lint` does (eslint in a child process). */
async function lintAs(file: string, code: string, cwd = repoRoot): Promise<string[]> {
  const eslintBin = path.join(repoRoot, "node_modules", "eslint", "bin", "eslint.js");
  const run = spawnSync(process.execPath, [eslintBin, "--stdin", "--stdin-filename", path.join(repoRoot, file), "--format", "json"], {
    cwd,
    input: code,
    encoding: "utf8",
  });
  const [result] = JSON.parse(run.stdout) as { messages: { severity: number; message: string }[] }[];
  return (result?.messages ?? []).filter((m) => m.severity === 2).map((m) => m.message);
}

describe("architecture guard (lint)", () => {
  it("refuses mongoose, bullmq, ioredis, express and node I/O in the domain", async () => {
    const forbidden = ["mongoose", "bullmq", "ioredis", "express", "@kring/db", "node:fs"];
    const probe = `${forbidden.map((name) => `import "${name}";`).join("\n")}\nimport { z } from "zod";\nexport const probe = z.string();\n`;
    const messages = await lintAs("packages/domain/src/messages/guard-probe.ts", probe);
    // One error per forbidden import, none for zod.
    expect(messages.filter((m) => /domain/i.test(m))).toHaveLength(forbidden.length);
    expect(messages).toHaveLength(forbidden.length);
  }, 60_000);

  it("keeps the protocol to zod, and the web app to the protocol", async () => {
    expect((await lintAs("packages/protocol/src/guard-probe.ts", 'import "mongoose";\nexport const probe = 1;\n')).join()).toMatch(/zod schemas only/);
    const web = await lintAs("apps/web/src/guard-probe.ts", 'import "@kring/domain";\nexport const probe = 1;\n', path.join(repoRoot, "apps/web"));
    expect(web.join()).toMatch(/only @kring\/protocol/);
  }, 60_000);
});
