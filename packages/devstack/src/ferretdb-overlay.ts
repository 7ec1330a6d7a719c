import fs from "node:fs/promises";
import path from "node:path";

/**
 * Kring's changes to FerretDB's own packages (tools/ferretdb/_overlay: patches.json says what they
 * are, kring_maintenance.go says why). The build copies the module out of Go's module cache (whose
 * files the Go tool refuses to overlay), applies the changes to the copy, and builds against it with
 * a `replace` in a go.mod of the build's own (`go build -modfile`): tools/ferretdb/go.mod stays the
 * plain one, and the module cache is never touched.
 */
type Patches = {
  module: string;
  add: Array<{ path: string; from: string }>;
  edit: Array<{ path: string; find: string; replace: string }>;
};

export const OVERLAY_DIR = "_overlay";
const PATCHES_FILE = "patches.json";

async function readPatches(sourceDir: string): Promise<Patches> {
  const file = path.join(sourceDir, OVERLAY_DIR, PATCHES_FILE);
  const patches = JSON.parse(await fs.readFile(file, "utf8")) as Partial<Patches>;
  // A hand-edited file of ours, so a short check of its shape is enough.
  const isText = (value: unknown) => typeof value === "string" && value !== "";
  const isValid =
    isText(patches.module) &&
    Array.isArray(patches.add) &&
    patches.add.every((file) => isText(file.path) && isText(file.from)) &&
    Array.isArray(patches.edit) &&
    patches.edit.every((edit) => isText(edit.path) && isText(edit.find) && typeof edit.replace === "string");
  if (!isValid) throw new Error(`${file}: expected {module, add: [{path, from}], edit: [{path, find, replace}]}`);
  return patches as Patches;
}

/** The overlay's files, relative to tools/ferretdb: they belong in the binary's source hash. */
export async function overlaySourceFiles(sourceDir: string): Promise<string[]> {
  const patches = await readPatches(sourceDir);
  return [path.join(OVERLAY_DIR, PATCHES_FILE), ...patches.add.map((file) => path.join(OVERLAY_DIR, file.from))];
}

/** The module the overlay changes (its directory in the module cache comes from `go mod download -json`). */
export async function overlayModule(sourceDir: string): Promise<string> {
  return (await readPatches(sourceDir)).module;
}

/**
 * Copies the module (moduleDir, in Go's module cache) into workDir, applies the changes, and writes
 * a go.mod and go.sum beside it that replace the module with the copy. Returns the go.mod to pass
 * to `go build -modfile`. An edit whose text is not found exactly once fails here: after an upgrade
 * of FerretDB, a change must not go missing silently.
 */
export async function prepareOverlayBuild(options: { sourceDir: string; moduleDir: string; workDir: string }): Promise<string> {
  const patches = await readPatches(options.sourceDir);
  const copy = path.join(options.workDir, "module");
  await fs.mkdir(options.workDir, { recursive: true });
  await fs.cp(options.moduleDir, copy, { recursive: true });
  // The module cache's files and directories are read-only, and fs.cp keeps their modes: without
  // this, nobody but root could change the copy, or delete it after the build.
  await makeWritable(copy);
  for (const file of patches.add) {
    await fs.copyFile(path.join(options.sourceDir, OVERLAY_DIR, file.from), path.join(copy, file.path));
  }
  for (const edit of patches.edit) {
    const file = path.join(copy, edit.path);
    const original = await fs.readFile(file, "utf8");
    const count = original.split(edit.find).length - 1;
    if (count !== 1) {
      throw new Error(
        `tools/ferretdb/${OVERLAY_DIR}/${PATCHES_FILE}: the text to replace in ${patches.module}/${edit.path} ` +
          `occurs ${count} times (expected once). Was FerretDB upgraded? Update the edit to the new source.`,
      );
    }
    await fs.writeFile(file, original.replace(edit.find, () => edit.replace));
  }
  const goMod = await fs.readFile(path.join(options.sourceDir, "go.mod"), "utf8");
  const modfile = path.join(options.workDir, "go.mod");
  await fs.writeFile(modfile, `${goMod.trimEnd()}\n\n// Kring's overlay (packages/devstack/src/ferretdb-overlay.ts)\nreplace ${patches.module} => ${copy}\n`);
  // -modfile=x/go.mod reads its checksums from x/go.sum.
  await fs.copyFile(path.join(options.sourceDir, "go.sum"), path.join(options.workDir, "go.sum"));
  return modfile;
}

async function makeWritable(dir: string): Promise<void> {
  await fs.chmod(dir, 0o755);
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await makeWritable(full);
    else if (entry.isFile()) await fs.chmod(full, 0o644);
  }
}
