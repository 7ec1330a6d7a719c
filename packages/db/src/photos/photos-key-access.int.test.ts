import { loadDevstackConfig } from "@kring/config";
import { randomBytes } from "node:crypto";
import { Types } from "mongoose";
import {
  type Connection,
  connectDatabase,
  createCalendarFeedRepositories,
  createPhotoRepositories,
  registerCalendarFeedModels,
  registerPhotoModels,
} from "../index";
import { expectOnlyKeyReads } from "../testing/query-recorder";

// The storage rule for profile photos and calendar feeds (issue #10): every repository method is a
// point read or write of one key (the user's id, a token's hash), however many are stored.

const id = () => new Types.ObjectId().toHexString();

let connection: Connection;
let models: ReturnType<typeof registerPhotoModels> & ReturnType<typeof registerCalendarFeedModels>;
beforeAll(async () => {
  const uri = loadDevstackConfig().mongodbUri;
  if (!uri) throw new Error("MONGODB_URI must be set (the jest global setup does this)");
  connection = await connectDatabase(uri, { dbName: `kring_test_photo_keys_${randomBytes(6).toString("hex")}` });
  models = { ...registerPhotoModels(connection), ...registerCalendarFeedModels(connection) };
  await Promise.all(Object.values(models).map((model) => model.createIndexes()));
});
afterAll(async () => {
  await connection.dropDatabase();
  await connection.close();
});

const photoOf = (userId: string, byte: number) => ({
  userId,
  contentType: "image/jpeg" as const,
  data: Buffer.from([0xff, 0xd8, 0xff, byte]),
  width: 10,
  height: 10,
  etag: `e${byte}`,
  updatedAt: new Date(),
});

it("reads and writes photos by key only", async () => {
  const { photos } = createPhotoRepositories(models);
  for (let i = 0; i < 30; i += 1) await photos.save(photoOf(id(), i));
  const owner = id();
  const other = id();
  const exercised = new Set<string>();
  await expectOnlyKeyReads(
    connection,
    async () => {
      await photos.save(photoOf(owner, 1));
      await photos.save(photoOf(owner, 2));
      exercised.add("save");
      const found = await photos.find(owner);
      exercised.add("find");
      expect(found).toMatchObject({ userId: owner, etag: "e2", width: 10 });
      expect(Buffer.from(found!.data)).toEqual(Buffer.from([0xff, 0xd8, 0xff, 2]));
      expect([...(await photos.exists([owner, other]))]).toEqual([owner]);
      exercised.add("exists");
      await photos.remove(owner);
      exercised.add("remove");
      expect(await photos.find(owner)).toBeNull();
    },
    { label: "photos" },
  );
  expect([...exercised].sort()).toEqual(Object.keys(photos).sort());
});

it("reads and writes calendar feeds by key only", async () => {
  const { calendarFeeds } = createCalendarFeedRepositories(models);
  for (let i = 0; i < 30; i += 1) await calendarFeeds.save({ userId: id(), tokenHash: randomBytes(32).toString("hex"), createdAt: new Date() });
  const userId = id();
  const tokenHash = randomBytes(32).toString("hex");
  const exercised = new Set<string>();
  await expectOnlyKeyReads(
    connection,
    async () => {
      await calendarFeeds.save({ userId, tokenHash, createdAt: new Date() });
      exercised.add("save");
      expect(await calendarFeeds.findUserByTokenHash(tokenHash)).toBe(userId);
      exercised.add("findUserByTokenHash");
      expect(await calendarFeeds.findByUser(userId)).toMatchObject({ userId, tokenHash });
      exercised.add("findByUser");
      await calendarFeeds.removeToken(tokenHash);
      exercised.add("removeToken");
      await calendarFeeds.removeFeed(userId);
      exercised.add("removeFeed");
      expect(await calendarFeeds.findUserByTokenHash(tokenHash)).toBeNull();
      expect(await calendarFeeds.findByUser(userId)).toBeNull();
    },
    { label: "calendar feeds" },
  );
  expect([...exercised].sort()).toEqual(Object.keys(calendarFeeds).sort());
});
