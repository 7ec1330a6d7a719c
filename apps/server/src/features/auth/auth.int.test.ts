import { startTestServer, type TestServer } from "../../testing/harness";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

describe("accounts", () => {
  it("registers, logs in and returns the user from /api/me", async () => {
    const register = await server.request("POST", "/api/auth/register", {
      body: { email: "Marie.Peeters@Example.test", password: "long enough secret", name: "Marie" },
    });
    expect(register.status).toBe(201);
    expect(register.body.user).toEqual({ id: expect.stringMatching(/^[0-9a-f]{24}$/), email: "marie.peeters@example.test", name: "Marie" });
    expect(typeof register.body.token).toBe("string");

    const login = await server.request("POST", "/api/auth/login", {
      body: { email: "marie.peeters@example.test", password: "long enough secret" },
    });
    expect(login.status).toBe(200);
    expect(login.body.user).toEqual(register.body.user);

    const me = await server.request("GET", "/api/me", { token: login.body.token });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ user: register.body.user });
  });

  it("refuses a taken email with 409, whatever its case", async () => {
    await server.request("POST", "/api/auth/register", {
      body: { email: "jan@example.test", password: "long enough secret", name: "Jan" },
    });
    const again = await server.request("POST", "/api/auth/register", {
      body: { email: "JAN@example.test", password: "another long secret", name: "Jan 2" },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("conflict");
  });

  it("answers a wrong password and an unknown email the same way: 401", async () => {
    await server.request("POST", "/api/auth/register", {
      body: { email: "lies@example.test", password: "long enough secret", name: "Lies" },
    });
    const wrong = await server.request("POST", "/api/auth/login", {
      body: { email: "lies@example.test", password: "not the password" },
    });
    const unknown = await server.request("POST", "/api/auth/login", {
      body: { email: "nobody@example.test", password: "not the password" },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error).toEqual(unknown.body.error);
  });

  it("stores the password as an argon2id hash, never in clear", async () => {
    const { user } = await server.registerUser();
    const doc = await server.connection.collection("users").findOne({ email: user.email });
    expect(doc?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(JSON.stringify(doc)).not.toContain("correct horse battery");
  });

  it("rejects short passwords, bad emails and unknown fields with validation_failed", async () => {
    for (const body of [
      { email: "a@example.test", password: "short", name: "A" },
      { email: "not-an-email", password: "long enough secret", name: "A" },
      { email: "a@example.test", password: "long enough secret", name: "A", role: "admin" },
      { email: "a@example.test", password: "long enough secret" },
    ]) {
      const res = await server.request("POST", "/api/auth/register", { body });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("validation_failed");
    }
  });

  it("does not let an operator object stand in for a string ({$ne:null} login)", async () => {
    await server.registerUser();
    const res = await server.request("POST", "/api/auth/login", {
      body: { email: { $ne: null }, password: { $ne: null } },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("validation_failed");
  });

  it("answers malformed JSON with 400 and oversize bodies with 413", async () => {
    const malformed = await server.request("POST", "/api/auth/login", { rawBody: '{"email": "x", ' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe("validation_failed");

    const huge = await server.request("POST", "/api/auth/register", {
      body: { email: "big@example.test", password: "long enough secret", name: "x".repeat(200_000) },
    });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe("payload_too_large");
  });

  it("requires a valid bearer token on /api/me", async () => {
    expect((await server.request("GET", "/api/me")).status).toBe(401);
    const forged = await server.request("GET", "/api/me", { token: "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0." });
    expect(forged.status).toBe(401);
    expect(forged.body.error.code).toBe("unauthorized");
  });

  it("rejects an expired token", async () => {
    const shortLived = await startTestServer({ config: { accessTokenTtlSeconds: 1 } });
    try {
      const { token } = await shortLived.registerUser();
      expect((await shortLived.request("GET", "/api/me", { token })).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 2100));
      const expired = await shortLived.request("GET", "/api/me", { token });
      expect(expired.status).toBe(401);
    } finally {
      await shortLived.stop();
    }
  });

  it("rate-limits login attempts per address with 429", async () => {
    const strict = await startTestServer({ config: { authRatePerMinute: 3 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i += 1) {
        const res = await strict.request("POST", "/api/auth/login", {
          body: { email: "x@example.test", password: "whatever123" },
        });
        statuses.push(res.status);
      }
      expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
      expect(statuses.slice(3)).toEqual([429, 429]);
    } finally {
      await strict.stop();
    }
  });

  it("sets security headers (helmet) and no CORS for foreign origins", async () => {
    const res = await server.request("GET", "/healthz", { headers: { origin: "https://evil.example" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });
});
