import { loadDevstackConfig } from "@kring/config";
import { randomBytes } from "node:crypto";
import { Types } from "mongoose";
import { connectDatabase, LAYOUT_VERSION, openRepositories } from "./index";

// The stored layout carries a version so that later changes can migrate; data of the earlier
// layout is reported, not silently misread.

async function withDatabase(fn: (connection: Awaited<ReturnType<typeof connectDatabase>>) => Promise<void>) {
  const uri = loadDevstackConfig().mongodbUri;
  if (!uri) throw new Error("MONGODB_URI must be set (the jest global setup does this)");
  const connection = await connectDatabase(uri, { dbName: `kring_layout_${randomBytes(6).toString("hex")}` });
  try {
    await fn(connection);
  } finally {
    await connection.dropDatabase().catch(() => undefined);
    await connection.close();
  }
}

describe("storage layout version", () => {
  it("records version 2 in a new database and reports nothing", async () => {
    await withDatabase(async (connection) => {
      expect((await openRepositories(connection)).layoutWarnings).toEqual([]);
      expect(await connection.collection("settings").findOne({ _id: "schema" as never })).toEqual({ _id: "schema", value: { version: LAYOUT_VERSION } });
      // A second node opening the same database agrees.
      expect((await openRepositories(connection)).layoutWarnings).toEqual([]);
    });
  });

  it("reports messages of the earlier layout instead of misreading them", async () => {
    await withDatabase(async (connection) => {
      await connection.collection("messages").insertOne({ circleId: new Types.ObjectId(), seq: 1, body: "old layout" });
      const { layoutWarnings } = await openRepositories(connection);
      expect(layoutWarnings).toEqual([expect.stringMatching(/earlier storage layout/)]);
    });
  });

  it("reports an older stored version", async () => {
    await withDatabase(async (connection) => {
      await connection.collection("settings").insertOne({ _id: "schema" as never, value: { version: 1 } });
      expect((await openRepositories(connection)).layoutWarnings).toEqual([expect.stringMatching(/version 1/)]);
    });
  });
});
