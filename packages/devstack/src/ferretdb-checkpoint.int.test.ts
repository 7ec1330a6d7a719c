import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { loadDevstackConfig } from "@kring/config";
import mongoose from "mongoose";
import { ensureFerretdbBinary, startFerretdb } from "./ferretdb.service";

// The embedded FerretDB checkpoints SQLite's write-ahead log from its own loop
// (tools/ferretdb/wal_checkpoint.go) instead of inside a commit, which took a send's p99 from 10-13 ms
// to ~4 ms with 1,000,000 stored messages. If that loop stops keeping up, the log grows until
// SQLite's fallback at ~40 MB and every 10,000th page written waits for a checkpoint inside a commit
// again: this test sees that as a -wal file past 8 MB.

const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");
const config = loadDevstackConfig();

/** A steady 300 writes a second for 10 s, about what a busy node writes (a send is 2-3 writes). */
const WRITES = 3000;
const PER_SECOND = 300;
const CONCURRENCY = 8;

let tempDir: string;

beforeEach(async () => {
  tempDir = await fs.mkdtemp(path.join(os.tmpdir(), "kring-checkpoint-"));
});

afterEach(async () => {
  await fs.rm(tempDir, { recursive: true, force: true });
});

async function fileSize(file: string): Promise<number> {
  try {
    return (await fs.stat(file)).size;
  } catch {
    return 0;
  }
}

describe("the embedded FerretDB's SQLite log", () => {
  it("stays short under a steady stream of writes, and every write is kept", async () => {
    const binary = await ensureFerretdbBinary({ repoRoot: REPO_ROOT, goBin: config.goBin });
    const dataDir = path.join(tempDir, "ferretdb");
    const ferretdb = await startFerretdb({ binary, dataDir, backend: "sqlite" });
    const connection = await mongoose.createConnection(ferretdb.uri, { dbName: "checkpoint_test" }).asPromise();
    const walFile = path.join(dataDir, "checkpoint_test.sqlite-wal");
    let largestWal = 0;
    let writing = true;
    const watcher = (async () => {
      while (writing) {
        largestWal = Math.max(largestWal, await fileSize(walFile));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    try {
      const notes = connection.collection<{ _id: string; body: string; seq: number }>("notes");
      // Keys spread over 200 prefixes, as messages spread over circles in the `_id` indexes.
      const body = "Visited at 10, medication taken, lunch eaten, all well. ".padEnd(200, ".");
      let next = 0;
      const start = performance.now();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < WRITES) {
            const seq = next++;
            const wait = start + (seq * 1000) / PER_SECOND - performance.now();
            if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
            await notes.insertOne({ _id: `${(seq * 7919) % 200}:${seq}`, body, seq });
          }
        }),
      );
      writing = false;
      await watcher;
      largestWal = Math.max(largestWal, await fileSize(walFile));

      expect(await notes.countDocuments()).toBe(WRITES);
      expect(await notes.findOne({ _id: `${(1234 * 7919) % 200}:1234` })).toMatchObject({ seq: 1234 });
      // 3,000 inserts write ~19 MB to the log; checkpointed as they come, it is started over again
      // and again and stays at a few MB.
      expect(largestWal).toBeGreaterThan(0);
      expect(largestWal).toBeLessThan(8 * 1024 * 1024);
    } finally {
      writing = false;
      await watcher;
      await connection.close();
      await ferretdb.stop();
    }
  }, 120_000);
});
