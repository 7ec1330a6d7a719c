import { loadDevstackConfig } from "@kring/config";
import { randomBytes } from "node:crypto";
import { type Connection, connectDatabase, openRepositories } from "../index";
import { expectOnlyKeyReads } from "../testing/query-recorder";

// The storage rule for account basics (issue #11): a password change, a rename and a reset link
// are point reads and writes by key (`users` `<userId>`, `password_resets` `<sha256(token)>` and
// `used:<sha256(token)>`), however many users and links are stored.

let connection: Connection;
let opened: Awaited<ReturnType<typeof openRepositories>>;
beforeAll(async () => {
  const uri = loadDevstackConfig().mongodbUri;
  if (!uri) throw new Error("MONGODB_URI must be set (the jest global setup does this)");
  connection = await connectDatabase(uri, { dbName: `kring_test_account_keys_${randomBytes(6).toString("hex")}` });
  opened = await openRepositories(connection);
});
afterAll(async () => {
  await connection.dropDatabase();
  await connection.close();
});

it("changes passwords and names and keeps reset links by key only", async () => {
  const { account, passwordResets, users } = opened.repositories;
  for (let i = 0; i < 30; i += 1) {
    const other = await users.create({ email: `other-${i}-${randomBytes(3).toString("hex")}@example.test`, name: `Other ${i}`, passwordHash: "x" });
    await passwordResets.create({ tokenHash: randomBytes(32).toString("hex"), userId: other.id, expiresAt: new Date(Date.now() + 60_000) });
  }
  const marie = await users.create({ email: `marie-${randomBytes(3).toString("hex")}@example.test`, name: "Marie", passwordHash: "old" });
  const tokenHash = randomBytes(32).toString("hex");
  const exercised = new Set<string>();
  await expectOnlyKeyReads(
    connection,
    async () => {
      await account.setPasswordHash(marie.id, "new");
      exercised.add("account.setPasswordHash");
      await account.rename(marie.id, "Marie Peeters");
      exercised.add("account.rename");
      expect(await users.findById(marie.id)).toMatchObject({ name: "Marie Peeters", passwordHash: "new" });
      const expiresAt = new Date(Date.now() + 30 * 60_000);
      await passwordResets.create({ tokenHash, userId: marie.id, expiresAt });
      exercised.add("passwordResets.create");
      expect(await passwordResets.find(tokenHash)).toEqual({ tokenHash, userId: marie.id, expiresAt });
      expect(await passwordResets.find("f".repeat(64))).toBeNull();
      exercised.add("passwordResets.find");
      const [first, second] = await Promise.all([passwordResets.redeem(tokenHash, new Date()), passwordResets.redeem(tokenHash, new Date())]);
      expect([first, second].sort()).toEqual([false, true]);
      exercised.add("passwordResets.redeem");
    },
    { label: "account basics" },
  );
  const methods = [...Object.keys(account).map((m) => `account.${m}`), ...Object.keys(passwordResets).map((m) => `passwordResets.${m}`)];
  expect([...exercised].sort()).toEqual(methods.sort());
});
