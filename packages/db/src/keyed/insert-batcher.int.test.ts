import { loadDevstackConfig } from "@kring/config";
import { randomBytes } from "node:crypto";
import { type Connection, connectDatabase } from "../index";
import { recordQueries } from "../testing/query-recorder";
import { createInsertBatcher } from "./insert-batcher";

// Group commit against the embedded FerretDB: a burst leaves in a few insertMany commands, and
// every caller still learns whether its own document went in.

let connection: Connection;
beforeAll(async () => {
  const uri = loadDevstackConfig().mongodbUri;
  if (!uri) throw new Error("MONGODB_URI must be set (the jest global setup does this)");
  connection = await connectDatabase(uri, { dbName: `kring_test_batcher_${randomBytes(6).toString("hex")}` });
});
afterAll(async () => {
  await connection.dropDatabase();
  await connection.close();
});

const collection = (name: string) => connection.collection<{ _id: string; n?: number }>(name);

describe("insert batcher", () => {
  it("sends a burst in a few commands and inserts every document", async () => {
    const batcher = createInsertBatcher(collection("burst"));
    const recorder = recordQueries(connection);
    let results: boolean[];
    try {
      results = await Promise.all(Array.from({ length: 120 }, (_, n) => batcher.insert({ _id: `burst:${n}`, n })));
    } finally {
      recorder.stop();
    }
    expect(results.every((inserted) => inserted)).toBe(true);
    const commands = recorder.operations.filter((op) => op.collection === "burst" && op.method === "insertMany");
    // The first insert leaves alone (nothing was in flight), the rest wait for it and go together.
    expect(commands.length).toBeLessThanOrEqual(2);
    expect(await collection("burst").countDocuments()).toBe(120);
  });

  it("sends each insert alone when they come one after another (no added wait)", async () => {
    const batcher = createInsertBatcher(collection("quiet"));
    const recorder = recordQueries(connection);
    try {
      for (let n = 0; n < 3; n += 1) expect(await batcher.insert({ _id: `quiet:${n}` })).toBe(true);
    } finally {
      recorder.stop();
    }
    expect(recorder.operations.filter((op) => op.method === "insertMany")).toHaveLength(3);
  });

  it("answers false to the caller whose _id exists, true to the others in the same batch", async () => {
    const batcher = createInsertBatcher(collection("dup"));
    expect(await batcher.insert({ _id: "dup:taken", n: 0 })).toBe(true);
    const results = await Promise.all([
      batcher.insert({ _id: "dup:a", n: 1 }),
      batcher.insert({ _id: "dup:taken", n: 2 }),
      batcher.insert({ _id: "dup:b", n: 3 }),
    ]);
    expect(results).toEqual([true, false, true]);
    expect((await collection("dup").findOne({ _id: "dup:taken" }))?.n).toBe(0);
  });

  it("lets the first of two callers with the same _id win within one batch (first claim wins)", async () => {
    const batcher = createInsertBatcher(collection("race"));
    // Something in flight, so that both claims queue up and leave in the same batch.
    const inFlight = batcher.insert({ _id: "race:warm" });
    const results = await Promise.all([batcher.insert({ _id: "race:claim", n: 1 }), batcher.insert({ _id: "race:claim", n: 2 })]);
    await inFlight;
    expect(results).toEqual([true, false]);
    expect((await collection("race").findOne({ _id: "race:claim" }))?.n).toBe(1);
  });

  it("gives a document the database refuses its own error, and inserts the others of its batch", async () => {
    const batcher = createInsertBatcher(connection.collection<{ _id: unknown }>("refused"));
    const inFlight = batcher.insert({ _id: "refused:warm" });
    const outcomes = await Promise.allSettled([
      batcher.insert({ _id: "refused:a" }),
      batcher.insert({ _id: ["an", "array"] }), // an array is never a valid _id
      batcher.insert({ _id: "refused:b" }),
    ]);
    await inFlight;
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(await connection.collection("refused").countDocuments()).toBe(3);
  });

  it("gives a failed command's error to every caller of that batch, and goes on with the next", async () => {
    let calls = 0;
    const batcher = createInsertBatcher({
      async insertMany() {
        calls += 1;
        if (calls === 1) throw new Error("connection closed");
        return {};
      },
    });
    const first = Promise.allSettled([batcher.insert({ _id: "x:1" }), batcher.insert({ _id: "x:2" })]);
    const outcomes = await first;
    expect(outcomes.map((o) => o.status)).toEqual(["rejected", "rejected"]);
    expect(await batcher.insert({ _id: "x:3" })).toBe(true);
  });
});
