import { loadDevstackConfig } from "@kring/config";
import { randomBytes } from "node:crypto";
import { Types } from "mongoose";
import { type Connection, connectDatabase, createResidentRepositories, registerResidentModels } from "../index";
import { expectOnlyKeyReads } from "../testing/query-recorder";

// The storage rule for resident profiles (issue #9): every repository method is a point read or
// write by `<circleId>:<userId>`, however many profiles are stored.

const id = () => new Types.ObjectId().toHexString();

let connection: Connection;
let models: ReturnType<typeof registerResidentModels>;
beforeAll(async () => {
  const uri = loadDevstackConfig().mongodbUri;
  if (!uri) throw new Error("MONGODB_URI must be set (the jest global setup does this)");
  connection = await connectDatabase(uri, { dbName: `kring_test_resident_keys_${randomBytes(6).toString("hex")}` });
  models = registerResidentModels(connection);
  await Promise.all(Object.values(models).map((model) => model.createIndexes()));
});
afterAll(async () => {
  await connection.dropDatabase();
  await connection.close();
});

it("reads and writes resident profiles by key only", async () => {
  const { residentProfiles } = createResidentRepositories(models);
  const circle = id();
  for (let i = 0; i < 30; i += 1) {
    await residentProfiles.save({ circleId: id(), userId: id(), phone: "+32470123456", address: `Street ${i}`, language: "nl", updatedAt: new Date() });
  }
  const resident = id();
  const exercised = new Set<string>();
  await expectOnlyKeyReads(
    connection,
    async () => {
      await residentProfiles.save({ circleId: circle, userId: resident, phone: null, address: "Kerkstraat 1", language: "fr", updatedAt: new Date() });
      exercised.add("save");
      const found = await residentProfiles.find(circle, resident);
      exercised.add("find");
      expect(found).toMatchObject({ circleId: circle, userId: resident, address: "Kerkstraat 1", language: "fr", phone: null });
      // Another circle's key does not exist, and the same user in it is someone else's profile.
      expect(await residentProfiles.find(id(), resident)).toBeNull();
    },
    { label: "resident profiles" },
  );
  expect([...exercised].sort()).toEqual(Object.keys(residentProfiles).sort());
});
