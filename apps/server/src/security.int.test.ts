import { randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";
import { type ClientSocket, startTestServer, type TestServer } from "./testing/harness";

// Regression tests for the findings of the security review (issue #12), each replayed through the
// public API the way the attacker did it, beside the legitimate flow that must keep working.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

const ack = (socket: ClientSocket, event: string, payload: unknown) =>
  (socket as unknown as { emitWithAck(event: string, payload: unknown): Promise<any> }).emitWithAck(event, payload);

describe("account takeover through a resident invitation and a pairing code", () => {
  it("refuses to invite anyone as a resident, so no pairing code can be made for their account", async () => {
    const victim = await server.registerUser("Marie");
    const attacker = await server.registerUser("Mallory");
    const trap = await server.createCircle(attacker.token, "Innocent circle");

    const invite = await server.request("POST", `/api/circles/${trap.id}/invitations`, { token: attacker.token, body: { role: "resident" } });
    expect(invite.status).toBe(400);
    expect(invite.body.error.code).toBe("validation_failed");

    // Even with the victim in the circle under another role, a pairing code for her is refused.
    const family = await server.request("POST", `/api/circles/${trap.id}/invitations`, { token: attacker.token, body: { role: "family" } });
    expect((await server.request("POST", `/api/invitations/${family.body.code}/accept`, { token: victim.token })).status).toBe(200);
    const pairing = await server.request("POST", `/api/circles/${trap.id}/residents/${victim.user.id}/pairing-codes`, { token: attacker.token });
    expect(pairing.status).toBe(400);
    expect(pairing.body.error.code).toBe("validation_failed");
  });

  it("shows the circle and the role before an invitation is accepted, without using it up", async () => {
    const coordinator = await server.registerUser("Sofie");
    const circle = await server.createCircle(coordinator.token, "Anna's circle");
    const invite = await server.request("POST", `/api/circles/${circle.id}/invitations`, { token: coordinator.token, body: { role: "professional" } });
    const guest = await server.registerUser("Jan");
    const preview = await server.request("GET", `/api/invitations/${invite.body.code}`, { token: guest.token });
    expect(preview.status).toBe(200);
    expect(preview.body).toEqual({ invitation: { circle: { id: circle.id, name: "Anna's circle" }, role: "professional", expiresAt: invite.body.expiresAt } });
    const accepted = await server.request("POST", `/api/invitations/${invite.body.code}/accept`, { token: guest.token });
    expect(accepted.body.circle.myRole).toBe("professional");
  });

  it("still lets a coordinator add a managed resident and pair a tablet, which the coordinator can list and revoke", async () => {
    const coordinator = await server.registerUser("Sofie");
    const circle = await server.createCircle(coordinator.token, "Anna's circle");
    const added = await server.request("POST", `/api/circles/${circle.id}/residents`, { token: coordinator.token, body: { name: "Anna" } });
    const code = await server.request("POST", `/api/circles/${circle.id}/residents/${added.body.member.userId}/pairing-codes`, { token: coordinator.token });
    expect(code.status).toBe(201);
    const paired = await server.request("POST", "/api/devices/pair", { body: { code: code.body.code, deviceName: "Anna's tablet" } });
    expect(paired.status).toBe(200);
    const devices = await server.request("GET", `/api/circles/${circle.id}/devices`, { token: coordinator.token });
    expect(devices.body.devices.map((d: { name: string }) => d.name)).toEqual(["Anna's tablet"]);
  });

  it("lists every device session of an account to its owner, who can end one (and its sockets) at once", async () => {
    const email = `${randomUUID()}@example.test`;
    const first = await server.request("POST", "/api/auth/register", {
      body: { email, password: "long enough secret", name: "Marie" },
      headers: { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0" },
    });
    const second = await server.request("POST", "/api/auth/login", {
      body: { email, password: "long enough secret" },
      headers: { "user-agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Safari/604.1" },
    });
    const listed = await server.request("GET", "/api/me/sessions", { token: first.body.token });
    expect(listed.status).toBe(200);
    expect(listed.body.sessions).toHaveLength(2);
    expect(listed.body.sessions.find((s: { isCurrent: boolean }) => s.isCurrent).name).toBe("Chrome on Linux");
    const other = listed.body.sessions.find((s: { isCurrent: boolean }) => !s.isCurrent);
    expect(other).toMatchObject({ name: "Safari on iOS", kind: "browser", revokedAt: null });

    const socket = await server.connect(second.body.token);
    const disconnected = new Promise<string>((resolve) => socket.once("disconnect", resolve));
    // Someone else cannot end it; its owner can.
    const stranger = await server.registerUser("Mallory");
    expect((await server.request("DELETE", `/api/me/sessions/${other.id}`, { token: stranger.token })).status).toBe(404);
    expect((await server.request("DELETE", `/api/me/sessions/${other.id}`, { token: first.body.token })).status).toBe(204);
    expect(await disconnected).toBe("io server disconnect");
    expect((await server.request("GET", "/api/me", { token: second.body.token })).status).toBe(401);
    expect((await server.request("POST", "/api/auth/device-token", { body: { deviceToken: second.body.deviceToken } })).status).toBe(401);
    expect((await server.request("GET", "/api/me", { token: first.body.token })).status).toBe(200);
  });
});

describe("push endpoints (server-side request forgery)", () => {
  it("accepts only https endpoints of public push services", async () => {
    const user = await server.registerUser("Marie");
    const keys = { p256dh: "BOr6y8lXSZ9zFQ3b", auth: "k8JV6sjdbhAi-n3N" };
    for (const endpoint of [
      "http://127.0.0.1:4700/internal-admin/reset?all=1",
      "https://127.0.0.1:4700/internal-admin/reset?all=1",
      "https://[::1]/push",
      "https://10.0.0.5/push",
      "https://169.254.169.254/latest/meta-data",
      "https://localhost/push",
      "https://push.localhost/push",
      "https://user:secret@fcm.googleapis.com/fcm/send/abc",
      "http://fcm.googleapis.com/fcm/send/abc",
    ]) {
      const res = await server.request("POST", "/api/me/push-subscriptions", { token: user.token, body: { endpoint, keys } });
      expect({ endpoint, status: res.status, code: res.body.error?.code }).toEqual({ endpoint, status: 400, code: "validation_failed" });
    }
    const ok = await server.request("POST", "/api/me/push-subscriptions", {
      token: user.token,
      body: { endpoint: "https://push.kring.test/push/marie-phone", keys },
    });
    expect(ok.status).toBe(201);
  });
});

describe("per-user limits that hold across server nodes", () => {
  it("refuses a flood of help raises, on either node, with retryAfterMs", async () => {
    const second = await startTestServer({ dbName: server.dbName });
    try {
      const coordinator = await server.registerUser("Sofie");
      const circle = await server.createCircle(coordinator.token);
      const onFirst = await server.connect(coordinator.token);
      const onSecond = await second.connect(coordinator.token);
      const answers = [];
      for (let i = 0; i < 6; i += 1) {
        answers.push(await ack(i % 2 === 0 ? onFirst : onSecond, "alert:raise", { circleId: circle.id, kind: "help", clientId: randomUUID() }));
      }
      expect(answers.slice(0, 5).every((a) => a.ok)).toBe(true);
      expect(answers[5]).toMatchObject({ ok: false, error: { code: "rate_limited", retryAfterMs: expect.any(Number) } });
      expect(answers[5].error.retryAfterMs).toBeGreaterThan(0);
      expect(answers[5].error.retryAfterMs).toBeLessThanOrEqual(60_000);
      // Nothing was stored for the refused raise: the circle has exactly five alerts.
      const alerts = await server.request("GET", `/api/circles/${circle.id}/alerts`, { token: coordinator.token });
      expect(alerts.body.alerts).toHaveLength(5);
    } finally {
      await second.stop({ keepData: true });
    }
  });

  it("limits message:sync, alert:claim and checkin:ok per user", async () => {
    const strict = await startTestServer({
      config: { rateLimitOverrides: { sync: { points: 3, windowSeconds: 60 }, "alert-claim": { points: 2, windowSeconds: 60 }, checkin: { points: 2, windowSeconds: 60 } } },
    });
    try {
      const coordinator = await strict.registerUser("Sofie");
      const circle = await strict.createCircle(coordinator.token);
      const socket = await strict.connect(coordinator.token);
      const syncs = [];
      for (let i = 0; i < 4; i += 1) syncs.push(await ack(socket, "message:sync", { circleId: circle.id, afterSeq: 0 }));
      expect(syncs.map((s) => s.ok)).toEqual([true, true, true, false]);
      expect(syncs[3].error).toMatchObject({ code: "rate_limited", retryAfterMs: expect.any(Number) });

      const unknownAlert = "a".repeat(24);
      const claims = [];
      for (let i = 0; i < 3; i += 1) claims.push(await ack(socket, "alert:claim", { alertId: unknownAlert }));
      expect(claims.map((c) => c.error?.code)).toEqual(["not_found", "not_found", "rate_limited"]);

      const checkins = [];
      for (let i = 0; i < 3; i += 1) checkins.push(await ack(socket, "checkin:ok", { circleId: circle.id }));
      expect(checkins.map((c) => c.ok || c.error.code)).toEqual([true, true, "rate_limited"]);
    } finally {
      await strict.stop();
    }
  });

  it("limits invitation codes tried per user, with Retry-After", async () => {
    const guesser = await server.registerUser("Mallory");
    const statuses: number[] = [];
    let last: Awaited<ReturnType<TestServer["request"]>> | undefined;
    for (let i = 0; i < 11; i += 1) {
      last = await server.request("POST", `/api/invitations/ABCDEFGHJKMNPQR${"23456789ABC"[i]}/accept`, { token: guesser.token });
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 404)).toBe(true);
    expect(statuses[10]).toBe(429);
    expect(Number(last!.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(last!.body.error.retryAfterMs).toBeGreaterThan(0);
  });

  it("caps the sockets one account has open, and lets a new one in when one closes", async () => {
    const user = await server.registerUser("Marie");
    const open: ClientSocket[] = [];
    for (let i = 0; i < 10; i += 1) open.push(await server.connect(user.token));
    const refused = await server.connect(user.token).then(
      () => undefined,
      (error: Error & { data?: unknown }) => error,
    );
    expect(refused?.message).toBe("too_many_connections");
    expect(refused?.data).toMatchObject({ code: "rate_limited", retryAfterMs: expect.any(Number) });
    const closed = open.pop()!;
    closed.disconnect();
    // The slot is released when the server sees the disconnect.
    let next: ClientSocket | undefined;
    for (let attempt = 0; attempt < 50 && !next; attempt += 1) {
      next = await server.connect(user.token).catch(() => undefined);
      if (!next) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(next?.connected).toBe(true);
  });
});

describe("login and pairing limits", () => {
  it("stops password guessing on one account, even with the right password after it, whatever the address", async () => {
    const email = `${randomUUID()}@example.test`;
    await server.request("POST", "/api/auth/register", { body: { email, password: "the right password", name: "Marie" } });
    const statuses: number[] = [];
    for (let i = 0; i < 10; i += 1) {
      const res = await server.request("POST", "/api/auth/login", {
        body: { email, password: `wrong guess ${i}` },
        headers: { "x-forwarded-for": `203.0.113.${i}` },
      });
      statuses.push(res.status);
    }
    expect(statuses.every((s) => s === 401)).toBe(true);
    const right = await server.request("POST", "/api/auth/login", { body: { email, password: "the right password" } });
    expect(right.status).toBe(429);
    expect(Number(right.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(right.body.token).toBeUndefined();
  });

  it("a successful sign-in clears the account's failed attempts", async () => {
    const email = `${randomUUID()}@example.test`;
    await server.request("POST", "/api/auth/register", { body: { email, password: "the right password", name: "Jan" } });
    for (let i = 0; i < 5; i += 1) await server.request("POST", "/api/auth/login", { body: { email, password: "typo typo typo" } });
    expect((await server.request("POST", "/api/auth/login", { body: { email, password: "the right password" } })).status).toBe(200);
    for (let i = 0; i < 9; i += 1) {
      expect((await server.request("POST", "/api/auth/login", { body: { email, password: "typo typo typo" } })).status).toBe(401);
    }
  });

  it("ignores X-Forwarded-For unless a proxy is trusted, so rotating it does not lift the address limit", async () => {
    const strict = await startTestServer({ config: { authRatePerMinute: 3 } });
    const strictPairing = await startTestServer({ config: { authRatePerMinute: 3 } });
    const proxied = await startTestServer({ config: { authRatePerMinute: 3, trustProxy: ["loopback"] } });
    try {
      const attempt = (target: TestServer, i: number, path: string, body: unknown) =>
        target.request("POST", path, { body, headers: { "x-forwarded-for": `198.51.100.${i}` } }).then((r) => r.status);
      const logins = [];
      const pairings = [];
      for (let i = 0; i < 5; i += 1) {
        logins.push(await attempt(strict, i, "/api/auth/login", { email: `guess${i}@example.test`, password: "whatever123" }));
        pairings.push(await attempt(strictPairing, i, "/api/devices/pair", { code: "ABCD2345" }));
      }
      expect(logins).toEqual([401, 401, 401, 429, 429]);
      expect(pairings).toEqual([404, 404, 404, 429, 429]);
      // Behind a trusted proxy each forwarded address has its own budget.
      const behindProxy = [];
      for (let i = 0; i < 5; i += 1) behindProxy.push(await attempt(proxied, i, "/api/auth/login", { email: `guess${i}@example.test`, password: "whatever123" }));
      expect(behindProxy).toEqual([401, 401, 401, 401, 401]);
    } finally {
      await strict.stop();
      await strictPairing.stop();
      await proxied.stop();
    }
  });

  it("limits pairing attempts on one code and across all addresses", async () => {
    const strict = await startTestServer({ config: { rateLimitOverrides: { "pairing-global": { points: 4, windowSeconds: 60 } } } });
    try {
      const statuses = [];
      for (let i = 0; i < 5; i += 1) {
        statuses.push((await strict.request("POST", "/api/devices/pair", { body: { code: `ABCD234${"56789"[i]}` } })).status);
      }
      expect(statuses).toEqual([404, 404, 404, 404, 429]);
    } finally {
      await strict.stop();
    }
    const perCode = [];
    for (let i = 0; i < 11; i += 1) perCode.push((await server.request("POST", "/api/devices/pair", { body: { code: "WXYZ2345" } })).status);
    expect(perCode.slice(0, 10).every((s) => s === 404)).toBe(true);
    expect(perCode[10]).toBe(429);
  });
});

describe("smaller findings", () => {
  it("answers a corrupt compressed body with 400, not 500", async () => {
    for (const encoding of ["gzip", "deflate", "br"]) {
      const res = await fetch(`${server.baseUrl}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json", "content-encoding": encoding },
        body: Buffer.from("this is not compressed at all, just junk bytes \u0000\u0001\u0002"),
      });
      expect({ encoding, status: res.status }).toEqual({ encoding, status: 400 });
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("validation_failed");
    }
    // A correctly compressed body still works.
    const good = await fetch(`${server.baseUrl}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", "content-encoding": "gzip" },
      body: gzipSync(JSON.stringify({ email: "nobody@example.test", password: "whatever123" })),
    });
    expect(good.status).toBe(401);
  });

  it("shows queue health only to the operator token, not to a coordinator", async () => {
    const coordinator = await server.registerUser("Sofie");
    await server.createCircle(coordinator.token);
    expect((await server.request("GET", "/api/queues/health", { token: coordinator.token })).status).toBe(403);
    expect((await server.request("GET", "/api/queues/health")).status).toBe(403);
    const operator = await server.request("GET", "/api/queues/health", { token: "test-operator-token-0123456789abcdef" });
    expect(operator.status).toBe(200);
    expect(Object.keys(operator.body.queues)).toContain("kring-alerts");
    const noOperator = await startTestServer({ config: { operatorToken: undefined } });
    try {
      expect((await noOperator.request("GET", "/api/queues/health", { token: "test-operator-token-0123456789abcdef" })).status).toBe(404);
    } finally {
      await noOperator.stop();
    }
  });

  it("refuses control and formatting characters in names", async () => {
    const user = await server.registerUser("Sofie");
    for (const name of ["Anna\r\nBcc: all@example.test", "Anna\u202Enot", "Zero\u200Bwidth", "Bell\u0007"]) {
      const circle = await server.request("POST", "/api/circles", { token: user.token, body: { name } });
      expect({ name, status: circle.status }).toEqual({ name, status: 400 });
      const register = await server.request("POST", "/api/auth/register", { body: { email: `${randomUUID()}@example.test`, password: "long enough secret", name } });
      expect({ name, status: register.status }).toEqual({ name, status: 400 });
    }
    expect((await server.request("POST", "/api/circles", { token: user.token, body: { name: "Élise's kring — 2" } })).status).toBe(201);
  });
});
