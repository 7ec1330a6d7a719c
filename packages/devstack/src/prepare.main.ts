// `npm run setup` runs this so the first `npm start` or `npm test` doesn't stall on a Go build.
import path from "node:path";
import { loadDevstackConfig } from "@kring/config";
import { ensureFerretdbBinary } from "./ferretdb.service";

const repoRoot = path.resolve(__dirname, "..", "..", "..");

ensureFerretdbBinary({ repoRoot, goBin: loadDevstackConfig().goBin, log: (m) => console.log(`[kring] ${m}`) })
  .then((binary) => console.log(`[kring] embedded database ready: ${path.relative(repoRoot, binary)}`))
  .catch((error: unknown) => {
    console.error(`[kring] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
