// Reports the JavaScript a resident's tablet downloads on its first load, gzipped: the entry
// chunk, every chunk it imports statically (transitively), and the one dictionary chunk loaded
// before the first render (the largest language, as the worst case). Staff screens are
// React.lazy chunks and are not counted. Run after `vite build`:  node scripts/bundle-size.mjs
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const BUDGET_KB = 120;
const dist = join(dirname(fileURLToPath(import.meta.url)), "..", "dist");
const manifest = JSON.parse(readFileSync(join(dist, ".vite", "manifest.json"), "utf8"));

// KB here is 1000 bytes, as Vite prints it; KiB is also shown.
const gzipBytes = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;

const entryKey = Object.keys(manifest).find((key) => manifest[key].isEntry);
if (!entryKey) throw new Error("no entry chunk in dist/.vite/manifest.json: run `vite build` first");

const staticFiles = new Set();
const visit = (key) => {
  const chunk = manifest[key];
  if (!chunk || staticFiles.has(chunk.file)) return;
  staticFiles.add(chunk.file);
  for (const imported of chunk.imports ?? []) visit(imported);
};
visit(entryKey);

const coreDictionaries = Object.values(manifest).filter((chunk) => /\/core\.(nl|fr|en)\.ts$/.test(chunk.src ?? ""));
const largestDictionary = coreDictionaries.map((chunk) => ({ file: chunk.file, bytes: gzipBytes(chunk.file) })).sort((a, b) => b.bytes - a.bytes)[0];

const rows = [...staticFiles].map((file) => ({ file, bytes: gzipBytes(file) }));
if (largestDictionary) rows.push(largestDictionary);
const total = rows.reduce((sum, row) => sum + row.bytes, 0);

const kb = (bytes) => `${(bytes / 1000).toFixed(1).padStart(6)} KB`;
for (const row of rows) console.log(`${kb(row.bytes)}  ${row.file}`);
console.log(
  `${kb(total)}  resident first load, JavaScript gzipped (${(total / 1024).toFixed(1)} KiB; budget ${BUDGET_KB} KB)`,
);
if (total > BUDGET_KB * 1000) {
  // The likeliest cause, ~23 KB at once: see "Bundle budget" in apps/web/README.md.
  console.log("Over budget. Does code the tablet loads first import a value (not a type) from @kring/protocol?");
}
process.exitCode = total <= BUDGET_KB * 1000 ? 0 : 1;
