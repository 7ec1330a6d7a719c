import { mkdtemp, mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { collect, eventually, sleep, startTestServer, type TestServer } from "../../testing/harness";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

describe("device sessions", () => {
  it("renews short-lived access tokens with the device token, until the user logs out", async () => {
    const registered = await server.request("POST", "/api/auth/register", {
      body: { email: "renew@example.test", password: "long enough secret", name: "Renew" },
    });
    expect(registered.body.deviceToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const renewed = await server.request("POST", "/api/auth/device-token", { body: { deviceToken: registered.body.deviceToken } });
    expect(renewed.status).toBe(200);
    expect(renewed.body.user).toEqual(registered.body.user);
    expect((await server.request("GET", "/api/me", { token: renewed.body.token })).status).toBe(200);

    const socket = await server.connect(renewed.body.token);
    const disconnected = new Promise<string>((resolve) => socket.once("disconnect", resolve));
    expect((await server.request("POST", "/api/auth/logout", { body: { deviceToken: registered.body.deviceToken } })).status).toBe(200);
    expect(await disconnected).toBe("io server disconnect");
    expect((await server.request("POST", "/api/auth/device-token", { body: { deviceToken: registered.body.deviceToken } })).status).toBe(401);
    expect((await server.request("GET", "/api/me", { token: renewed.body.token })).status).toBe(401);
    await expect(server.connect(renewed.body.token)).rejects.toMatchObject({ message: "unauthorized" });
  });

  it("refuses malformed and unknown device tokens", async () => {
    for (const deviceToken of ["short", { $ne: null }, "A".repeat(43)]) {
      const res = await server.request("POST", "/api/auth/device-token", { body: { deviceToken } });
      expect([400, 401]).toContain(res.status);
    }
  });
});

describe("residents and tablet pairing", () => {
  async function circleWithResident() {
    const coordinator = await server.registerUser("Sofie");
    const circle = await server.createCircle(coordinator.token, "Anna's circle");
    const added = await server.request("POST", `/api/circles/${circle.id}/residents`, { token: coordinator.token, body: { name: "Anna" } });
    expect(added.status).toBe(201);
    return { coordinator, circle, resident: added.body.member as { userId: string; name: string; role: string } };
  }

  it("pairs a resident's tablet with a one-time code: no email, no password, stays signed in", async () => {
    const { coordinator, circle, resident } = await circleWithResident();
    expect(resident).toEqual({ userId: expect.stringMatching(/^[0-9a-f]{24}$/), name: "Anna", role: "resident" });
    const code = await server.request("POST", `/api/circles/${circle.id}/residents/${resident.userId}/pairing-codes`, { token: coordinator.token });
    expect(code.status).toBe(201);
    expect(code.body.code).toMatch(/^[A-Z2-9]{8}$/);
    expect(Date.parse(code.body.expiresAt) - Date.now()).toBeGreaterThan(29 * 60_000);

    const typed = `${code.body.code.slice(0, 4).toLowerCase()} ${code.body.code.slice(4)}`;
    const paired = await server.request("POST", "/api/devices/pair", { body: { code: typed, deviceName: "Anna's tablet" } });
    expect(paired.status).toBe(200);
    expect(paired.body).toMatchObject({
      user: { id: resident.userId, email: "", name: "Anna" },
      circle: { id: circle.id, name: "Anna's circle", myRole: "resident" },
      deviceToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    const tablet = await server.connect(paired.body.token);
    const sent = await tablet.emitWithAck("message:send", { circleId: circle.id, clientId: "hello", body: "Dag allemaal" });
    expect(sent.ok).toBe(true);

    const again = await server.request("POST", "/api/devices/pair", { body: { code: code.body.code } });
    expect(again.status).toBe(410);
    const members = await server.request("GET", `/api/circles/${circle.id}/members`, { token: coordinator.token });
    expect(members.body.members).toContainEqual(expect.objectContaining({ userId: resident.userId, name: "Anna", role: "resident" }));
  });

  it("lets the coordinator list and revoke the tablet, which is then signed out at once", async () => {
    const { coordinator, circle, resident } = await circleWithResident();
    const code = await server.request("POST", `/api/circles/${circle.id}/residents/${resident.userId}/pairing-codes`, { token: coordinator.token });
    const paired = await server.request("POST", "/api/devices/pair", { body: { code: code.body.code } });
    const tablet = await server.connect(paired.body.token);

    const devices = await server.request("GET", `/api/circles/${circle.id}/devices`, { token: coordinator.token });
    expect(devices.body.devices).toEqual([
      { id: expect.any(String), userId: resident.userId, name: "Tablet", createdAt: expect.any(String), lastUsedAt: expect.any(String), revokedAt: null },
    ]);
    const disconnected = new Promise<string>((resolve) => tablet.once("disconnect", resolve));
    const revoked = await server.request("DELETE", `/api/circles/${circle.id}/devices/${devices.body.devices[0].id}`, { token: coordinator.token });
    expect(revoked.status).toBe(200);
    expect(await disconnected).toBe("io server disconnect");
    expect((await server.request("POST", "/api/auth/device-token", { body: { deviceToken: paired.body.deviceToken } })).status).toBe(401);
    expect((await server.request("GET", "/api/me", { token: paired.body.token })).status).toBe(401);
  });

  it("refuses pairing to anyone but the circle's coordinators, and bad or expired codes", async () => {
    const { coordinator, circle, resident } = await circleWithResident();
    const family = await server.addMember(coordinator.token, circle.id, "family");
    const stranger = await server.registerUser();
    for (const token of [family.token, stranger.token]) {
      expect((await server.request("POST", `/api/circles/${circle.id}/residents`, { token, body: { name: "X" } })).status).toBe(403);
      expect((await server.request("POST", `/api/circles/${circle.id}/residents/${resident.userId}/pairing-codes`, { token })).status).toBe(403);
      expect((await server.request("GET", `/api/circles/${circle.id}/devices`, { token })).status).toBe(403);
    }
    // Codes are for residents only.
    expect((await server.request("POST", `/api/circles/${circle.id}/residents/${family.user.id}/pairing-codes`, { token: coordinator.token })).status).toBe(400);
    expect((await server.request("POST", "/api/devices/pair", { body: { code: "ABCDEFGH" } })).status).toBe(404);
    expect((await server.request("POST", "/api/devices/pair", { body: { code: { $ne: null } } })).status).toBe(400);

    const code = await server.request("POST", `/api/circles/${circle.id}/residents/${resident.userId}/pairing-codes`, { token: coordinator.token });
    await server.connection.collection("pairing_codes").updateOne({ code: code.body.code }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await server.request("POST", "/api/devices/pair", { body: { code: code.body.code } })).status).toBe(410);
  });

  it("never lets a managed resident account log in with a password", async () => {
    await circleWithResident();
    const doc = await server.connection.collection("users").findOne({ isManaged: true });
    expect(doc?.email).toMatch(/@kring\.invalid$/);
    const res = await server.request("POST", "/api/auth/login", { body: { email: doc?.email, password: "" } });
    expect(res.status).toBe(400);
    const guess = await server.request("POST", "/api/auth/login", { body: { email: doc?.email, password: "anything at all" } });
    expect(guess.status).toBe(401);
  });
});

describe("presence and typing", () => {
  it("reports who is online and when others were last seen, and announces changes", async () => {
    const sofie = await server.registerUser("Sofie");
    const circle = await server.createCircle(sofie.token);
    const marie = await server.addMember(sofie.token, circle.id, "family", "Marie");
    const sofieSocket = await server.connect(sofie.token);
    const announcements = collect(sofieSocket, "presence");
    const marieSocket = await server.connect(marie.token);
    await eventually(() => announcements.some((p) => p.userId === marie.user.id && p.isOnline), 3000, "online");

    const online = await server.request("GET", `/api/circles/${circle.id}/presence`, { token: sofie.token });
    expect(online.body.presence).toContainEqual({ userId: marie.user.id, isOnline: true, lastSeenAt: null });

    marieSocket.disconnect();
    await eventually(() => announcements.some((p) => p.userId === marie.user.id && !p.isOnline), 3000, "offline");
    const offline = await server.request("GET", `/api/circles/${circle.id}/presence`, { token: sofie.token });
    const entry = offline.body.presence.find((p: { userId: string }) => p.userId === marie.user.id);
    expect(entry.isOnline).toBe(false);
    expect(Date.now() - Date.parse(entry.lastSeenAt)).toBeLessThan(5000);
    const stranger = await server.registerUser();
    expect((await server.request("GET", `/api/circles/${circle.id}/presence`, { token: stranger.token })).status).toBe(403);
  });

  it("tells the other members who is typing, never the typist, and never strangers", async () => {
    const sofie = await server.registerUser("Sofie");
    const circle = await server.createCircle(sofie.token);
    const marie = await server.addMember(sofie.token, circle.id, "family", "Marie");
    const [sofieSocket, marieSocket] = [await server.connect(sofie.token), await server.connect(marie.token)];
    const seenBySofie = collect(sofieSocket, "typing");
    const seenByMarie = collect(marieSocket, "typing");
    expect(await marieSocket.emitWithAck("typing", { circleId: circle.id })).toEqual({ ok: true });
    marieSocket.emit("typing", { circleId: circle.id });
    await eventually(() => seenBySofie.length >= 1, 2000, "typing");
    expect(seenBySofie[0]).toEqual({ circleId: circle.id, userId: marie.user.id, name: "Marie", thread: "circle" });
    expect(seenByMarie).toEqual([]);

    const stranger = await server.registerUser();
    const strangerSocket = await server.connect(stranger.token);
    expect(await strangerSocket.emitWithAck("typing", { circleId: circle.id })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await (strangerSocket as any).emitWithAck("typing", { circleId: { $ne: null } })).toMatchObject({ ok: false, error: { code: "validation_failed" } });
    await sleep(100);
    expect(seenBySofie.every((t) => t.userId === marie.user.id)).toBe(true);
  });
});

describe("the web app", () => {
  it("is served from the API's origin with client-side routes falling back to index.html", async () => {
    const dist = await mkdtemp(path.join(os.tmpdir(), "kring-web-"));
    await mkdir(path.join(dist, "assets"));
    await writeFile(path.join(dist, "index.html"), "<!doctype html><title>Kring</title>");
    await writeFile(path.join(dist, "assets", "index-abc123.js"), "console.log('kring')");
    const withWeb = await startTestServer({ config: { webDistDir: dist } });
    try {
      const root = await withWeb.request("GET", "/", { headers: { accept: "text/html" } });
      expect(root.status).toBe(200);
      expect(root.body).toContain("<title>Kring</title>");
      expect(root.headers.get("cache-control")).toBe("no-cache");
      expect(root.headers.get("content-security-policy")).toContain("default-src 'self'");
      const deepLink = await withWeb.request("GET", "/circles/abc", { headers: { accept: "text/html" } });
      expect(deepLink.body).toContain("<title>Kring</title>");
      const asset = await withWeb.request("GET", "/assets/index-abc123.js");
      expect(asset.headers.get("cache-control")).toContain("immutable");
      // API paths never fall back to the app: they answer JSON errors.
      const api = await withWeb.request("GET", "/api/nothing", { headers: { accept: "text/html" } });
      expect(api.status).toBe(401);
      expect(api.body.error.code).toBe("unauthorized");
      const { token } = await withWeb.registerUser();
      const known = await withWeb.request("GET", "/api/nothing", { token, headers: { accept: "text/html" } });
      expect(known.body.error.code).toBe("not_found");
    } finally {
      await withWeb.stop();
    }
  });
});
