import { readFileSync } from "node:fs";
import path from "node:path";
import { NODE_PROCESS_FLAGS } from "@kring/config";

// V8 takes NODE_PROCESS_FLAGS only on the command line, so the Docker image, docker-compose.yml and
// the apps' `npm start` carry copies of them (the launcher and the benches import the constant).
// A copy that drifts would run production differently from what the benches measured.

const repoRoot = path.resolve(__dirname, "..", "..", "..");
const read = (file: string) => readFileSync(path.join(repoRoot, file), "utf8");

/** The node flags of a command written as `node <flags> <script>`. */
function flagsOf(words: string[]): string[] {
  expect(words[0]).toBe("node");
  return words.slice(1, -1).filter((word) => word !== "--enable-source-maps");
}

/** The words of the JSON-array node command on a line that starts with `prefix` (Dockerfile CMD, compose command). */
function jsonCommand(text: string, prefix: RegExp): string[] {
  const line = text.split("\n").find((l) => prefix.test(l) && l.includes('"node"'));
  if (line === undefined) throw new Error(`no line matching ${prefix}`);
  return JSON.parse(line.replace(prefix, "")) as string[];
}

describe("the node flags of the server and the worker", () => {
  it("are the same wherever production starts them", () => {
    const expected = [...NODE_PROCESS_FLAGS];
    expect(flagsOf(jsonCommand(read("Dockerfile"), /^CMD\s+/))).toEqual(expected);
    expect(flagsOf(jsonCommand(read("docker-compose.yml"), /^\s+command:\s+/))).toEqual(expected);
    for (const app of ["server", "worker"]) {
      const start = (JSON.parse(read(`apps/${app}/package.json`)) as { scripts: { start: string } }).scripts.start;
      expect(flagsOf(start.split(/\s+/))).toEqual(expected);
    }
  });
});
