import fs from "node:fs/promises";
import path from "node:path";

// Two Redis (or two FerretDB) processes writing the same directory corrupt it. That happens when a
// launcher was killed hard (its detached databases keep running) and `npm start` is run again.
const PID_FILE = "devstack.pid";

type DataDirLock = {
  /** Records the pid of the process that now owns the directory. */
  record(pid: number): Promise<void>;
  release(): Promise<void>;
};

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function isStillOwner(pid: number, processName: string): Promise<boolean> {
  if (!isAlive(pid)) return false;
  try {
    // A recycled pid belongs to some other program; a zombie has an empty command line.
    const cmdline = await fs.readFile(`/proc/${pid}/cmdline`, "utf8");
    return cmdline.includes(processName);
  } catch {
    return true; // No /proc (macOS): trust the pid.
  }
}

/** Fails with instructions if another live process of `processName` owns `dir`. */
export async function claimDataDir(dir: string, processName: string, label: string): Promise<DataDirLock> {
  const file = path.join(dir, PID_FILE);
  const previous = Number.parseInt(await fs.readFile(file, "utf8").catch(() => ""), 10);
  if (Number.isInteger(previous) && previous > 0 && (await isStillOwner(previous, processName))) {
    throw new Error(
      `${label} data in ${dir} is in use by another ${processName} (pid ${previous}), ` +
        `probably left over from a launcher that was killed, or a second \`npm start\`.\n` +
        `Stop it (kill ${previous}) and try again.`,
    );
  }
  let recorded: string | undefined;
  return {
    record: async (pid) => {
      recorded = String(pid);
      await fs.writeFile(file, `${recorded}\n`);
    },
    release: async () => {
      if (recorded === undefined) return;
      const current = await fs.readFile(file, "utf8").catch(() => "");
      if (current.trim() === recorded) await fs.rm(file, { force: true });
    },
  };
}
