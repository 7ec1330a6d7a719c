import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { loadDevstackConfig } from "@kring/config";
import mongoose from "mongoose";
import { ensureFerretdbBinary, startFerretdb, type FerretdbHandle } from "./ferretdb.service";

// The embedded FerretDB carries a loop of ours inside its SQLite pool
// (tools/ferretdb/_overlay/pool/kring_maintenance.go): it checkpoints each database's write-ahead
// log off the commit path, and gives every collection the `_id` index FerretDB's pushdown query can
// use. These tests run the real binary on a data directory of their own.

const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");
const config = loadDevstackConfig();

let tempDir: string;
let dataDir: string;
let ferretdb: FerretdbHandle;

beforeAll(async () => {
  tempDir = await fs.mkdtemp(path.join(os.tmpdir(), "kring-ferretdb-maintenance-"));
  dataDir = path.join(tempDir, "ferretdb");
  const binary = await ensureFerretdbBinary({ repoRoot: REPO_ROOT, goBin: config.goBin });
  ferretdb = await startFerretdb({ binary, dataDir, backend: "sqlite" });
}, 180_000);

afterAll(async () => {
  await ferretdb?.stop();
  await fs.rm(tempDir, { recursive: true, force: true });
});

async function fileSize(file: string): Promise<number> {
  try {
    return (await fs.stat(file)).size;
  } catch {
    return 0;
  }
}

const exists = (file: string): Promise<boolean> => fs.access(file).then(() => true, () => false);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the embedded FerretDB's SQLite log", () => {
  it("stays short under a steady stream of writes, and every write is kept", async () => {
    const connection = await mongoose.createConnection(ferretdb.uri, { dbName: "checkpoint_test" }).asPromise();
    const walFile = path.join(dataDir, "checkpoint_test.sqlite-wal");
    const WRITES = 3000;
    const PER_SECOND = 300; // about what a busy node writes (a send is 2-3 writes)
    let largestWal = 0;
    let writing = true;
    const watcher = (async () => {
      while (writing) {
        largestWal = Math.max(largestWal, await fileSize(walFile));
        await sleep(20);
      }
    })();
    try {
      const notes = connection.collection<{ _id: string; body: string; seq: number }>("notes");
      // Keys spread over 200 prefixes, as messages spread over circles in the `_id` indexes.
      const body = "Visited at 10, medication taken, lunch eaten, all well. ".padEnd(200, ".");
      let next = 0;
      const start = performance.now();
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (next < WRITES) {
            const seq = next++;
            const wait = start + (seq * 1000) / PER_SECOND - performance.now();
            if (wait > 0) await sleep(wait);
            await notes.insertOne({ _id: `${(seq * 7919) % 200}:${seq}`, body, seq });
          }
        }),
      );
      writing = false;
      await watcher;
      largestWal = Math.max(largestWal, await fileSize(walFile));

      expect(await notes.countDocuments()).toBe(WRITES);
      expect(await notes.findOne({ _id: `${(1234 * 7919) % 200}:1234` })).toMatchObject({ seq: 1234 });
      // 3,000 inserts write ~19 MB to the log. Checkpointed only inside commits it would grow to
      // SQLite's fallback at 10,000 pages (~40 MB); checkpointed as the writes come, it starts over
      // again and again and stays at a few MB.
      expect(largestWal).toBeGreaterThan(0);
      expect(largestWal).toBeLessThan(8 * 1024 * 1024);
    } finally {
      writing = false;
      await watcher;
      await connection.dropDatabase().catch(() => undefined);
      await connection.close();
    }
  }, 120_000);

  it("leaves nothing behind when a database is dropped, so one created again under its name starts empty", async () => {
    // The withdrawn first version checkpointed from a connection of its own, which kept the -wal file
    // of a dropped database, and the database created again under the same name read that old log
    // ("no such table"). Test suites drop their database and the next one may reuse the name.
    const files = ["recreate_test.sqlite", "recreate_test.sqlite-wal", "recreate_test.sqlite-shm"].map((f) => path.join(dataDir, f));
    for (let round = 0; round < 4; round++) {
      const connection = await mongoose.createConnection(ferretdb.uri, { dbName: "recreate_test" }).asPromise();
      try {
        const collection = connection.collection<{ _id: string; round: number }>(`things_${round}`);
        // Written long enough for the loop to checkpoint it more than once.
        const until = performance.now() + 300;
        let written = 0;
        while (performance.now() < until) {
          await collection.insertOne({ _id: `${round}:${written}`, round });
          written++;
        }
        // Only this round's collection: the dropped rounds' collections are gone.
        const names = (await connection.db!.listCollections().toArray()).map((c) => c.name).sort();
        expect(names).toEqual([`things_${round}`]);
        expect(await collection.countDocuments()).toBe(written);
        await connection.dropDatabase();
      } finally {
        await connection.close();
      }
      for (const file of files) expect(await exists(file)).toBe(false);
    }
  }, 60_000);
});

describe("the embedded FerretDB's `_id` reads", () => {
  it("are served by an index on the expression FerretDB's pushdown query uses", async () => {
    const connection = await mongoose.createConnection(ferretdb.uri, { dbName: "id_index_test" }).asPromise();
    try {
      await connection.collection("people").insertOne({ _id: "anna" as never, name: "Anna" });
      // The loop adds the index within about a second of the collection's creation.
      let plan = "";
      for (let attempt = 0; attempt < 30; attempt++) {
        const explained = await connection.db!.command({ explain: { find: "people", filter: { _id: "anna" } } });
        plan = JSON.stringify(explained.queryPlanner);
        if (/USING INDEX [^"]*__id_pushdown/.test(plan)) break;
        await sleep(200);
      }
      expect(plan).toMatch(/SEARCH [^"]*USING INDEX [^"]*__id_pushdown/);
      expect(await connection.collection("people").findOne({ _id: "anna" as never })).toMatchObject({ name: "Anna" });
    } finally {
      await connection.dropDatabase().catch(() => undefined);
      await connection.close();
    }
  }, 60_000);
});
