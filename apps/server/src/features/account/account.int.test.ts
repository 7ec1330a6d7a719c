import { startTestServer, type TestServer } from "../../testing/harness";

// Issue #11 item 7: change the password (old one required, other sessions end, this one stays),
// sign out everywhere else, rename, choose a language. The reset by mail is in
// apps/worker/src/password-reset.int.test.ts (it needs the worker and a mail catcher).

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

const PASSWORD = "correct horse battery";

async function signIn(email: string, password = PASSWORD) {
  return server.request("POST", "/api/auth/login", { body: { email, password } });
}

describe("changing the password", () => {
  it("needs the current password, ends the other sessions and keeps this one", async () => {
    const { token, user } = await server.registerUser("Marie");
    const other = (await signIn(user.email)).body;
    const otherSocket = await server.connect(other.token);
    const disconnected = new Promise<void>((resolve) => otherSocket.once("disconnect", () => resolve()));

    const wrong = await server.request("POST", "/api/me/password", { token, body: { currentPassword: "not the password", newPassword: "a brand new password" } });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe("forbidden");
    expect((await server.request("POST", "/api/me/password", { token, body: { currentPassword: PASSWORD, newPassword: "short" } })).status).toBe(400);
    expect((await server.request("POST", "/api/me/password", { token, body: { currentPassword: { $ne: null }, newPassword: "a brand new password" } })).status).toBe(400);

    const changed = await server.request("POST", "/api/me/password", { token, body: { currentPassword: PASSWORD, newPassword: "a brand new password" } });
    expect(changed.status).toBe(204);
    await disconnected;
    // This session goes on; the other one is signed out (its token and its device token).
    expect((await server.request("GET", "/api/me", { token })).status).toBe(200);
    expect((await server.request("GET", "/api/me", { token: other.token })).status).toBe(401);
    expect((await server.request("POST", "/api/auth/device-token", { body: { deviceToken: other.deviceToken } })).status).toBe(401);
    expect((await signIn(user.email)).status).toBe(401);
    expect((await signIn(user.email, "a brand new password")).status).toBe(200);
  });

  it("is refused without a token", async () => {
    expect((await server.request("POST", "/api/me/password", { body: { currentPassword: PASSWORD, newPassword: "a brand new password" } })).status).toBe(401);
  });
});

describe("signing out everywhere else", () => {
  it("ends every other session of the account and no one else's", async () => {
    const { token, user } = await server.registerUser("Karim");
    const second = (await signIn(user.email)).body;
    const third = (await signIn(user.email)).body;
    const stranger = await server.registerUser("Stranger");
    expect((await server.request("DELETE", "/api/me/sessions", { token })).status).toBe(204);
    expect((await server.request("GET", "/api/me", { token })).status).toBe(200);
    expect((await server.request("GET", "/api/me", { token: second.token })).status).toBe(401);
    expect((await server.request("GET", "/api/me", { token: third.token })).status).toBe(401);
    expect((await server.request("GET", "/api/me", { token: stranger.token })).status).toBe(200);
    const sessions = await server.request("GET", "/api/me/sessions", { token });
    const active = sessions.body.sessions.filter((s: { revokedAt: string | null }) => s.revokedAt === null);
    expect(active).toEqual([expect.objectContaining({ isCurrent: true })]);
  });
});

describe("PATCH /api/me", () => {
  it("renames the account (others see the new name) and sets the language of mails and pushes", async () => {
    const { token, user } = await server.registerUser("Sofie");
    const circle = await server.createCircle(token);
    const renamed = await server.request("PATCH", "/api/me", { token, body: { name: "  Sofie Janssens ", language: "fr" } });
    expect(renamed.status).toBe(200);
    expect(renamed.body.user).toEqual({ id: user.id, email: user.email, name: "Sofie Janssens", language: "fr" });
    expect((await server.request("GET", "/api/me", { token })).body.user.name).toBe("Sofie Janssens");
    const members = await server.request("GET", `/api/circles/${circle.id}/members`, { token });
    expect(members.body.members[0].name).toBe("Sofie Janssens");
    const preferences = await server.request("GET", "/api/me/notification-preferences", { token });
    expect(preferences.body.preferences.language).toBe("fr");
  });

  it("refuses what is not a name or a language", async () => {
    const { token } = await server.registerUser();
    for (const body of [{ name: "" }, { name: "a\u202Eb" }, { language: "de" }, { name: { $ne: null } }, { email: "x@example.test" }]) {
      const res = await server.request("PATCH", "/api/me", { token, body });
      expect({ body, status: res.status, code: res.body.error?.code }).toEqual({ body, status: 400, code: "validation_failed" });
    }
  });
});

describe("POST /api/auth/password-reset", () => {
  it("answers 202 whether or not the address has an account, and refuses a bad token", async () => {
    const { user } = await server.registerUser();
    const known = await server.request("POST", "/api/auth/password-reset", { body: { email: user.email } });
    const unknown = await server.request("POST", "/api/auth/password-reset", { body: { email: "nobody-here@example.test" } });
    expect([known.status, known.body]).toEqual([202, { ok: true }]);
    expect([unknown.status, unknown.body]).toEqual([202, { ok: true }]);
    expect((await server.request("POST", "/api/auth/password-reset", { body: { email: "not an address" } })).status).toBe(400);
    const bogus = await server.request("POST", "/api/auth/password-reset/confirm", { body: { token: "A".repeat(43), newPassword: "a brand new password" } });
    expect([bogus.status, bogus.body.error.code]).toEqual([410, "gone"]);
    expect((await server.request("POST", "/api/auth/password-reset/confirm", { body: { token: { $ne: null }, newPassword: "a brand new password" } })).status).toBe(400);
  });
});
