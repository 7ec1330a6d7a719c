import { startTestServer, type TestServer } from "../../testing/harness";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

describe("care circles", () => {
  it("makes the creator coordinator and lists circles with unread counts", async () => {
    const { token } = await server.registerUser("Sofie");
    const created = await server.request("POST", "/api/circles", { token, body: { name: "Anna's circle" } });
    expect(created.status).toBe(201);
    expect(created.body.circle).toEqual({ id: expect.stringMatching(/^[0-9a-f]{24}$/), name: "Anna's circle", myRole: "coordinator" });

    const list = await server.request("GET", "/api/circles", { token });
    expect(list.status).toBe(200);
    expect(list.body.circles).toEqual([{ ...created.body.circle, unread: 0, unreadTeam: 0 }]);
  });

  it("invites with a single-use code carrying a role, and lists members", async () => {
    const coordinator = await server.registerUser("Sofie");
    const circle = await server.createCircle(coordinator.token);
    const invite = await server.request("POST", `/api/circles/${circle.id}/invitations`, {
      token: coordinator.token,
      body: { role: "family" },
    });
    expect(invite.status).toBe(201);
    expect(invite.body.code).toMatch(/^[A-Z2-9]{16}$/);
    const expiresInDays = (Date.parse(invite.body.expiresAt) - Date.now()) / 86_400_000;
    expect(expiresInDays).toBeGreaterThan(6.9);
    expect(expiresInDays).toBeLessThanOrEqual(7);

    const daughter = await server.registerUser("Marie");
    const accepted = await server.request("POST", `/api/invitations/${invite.body.code}/accept`, { token: daughter.token });
    expect(accepted.status).toBe(200);
    expect(accepted.body.circle).toEqual({ id: circle.id, name: circle.name, myRole: "family" });

    const son = await server.registerUser("Jan");
    const reused = await server.request("POST", `/api/invitations/${invite.body.code}/accept`, { token: son.token });
    expect(reused.status).toBe(410);
    expect(reused.body.error.code).toBe("gone");

    const members = await server.request("GET", `/api/circles/${circle.id}/members`, { token: daughter.token });
    expect(members.status).toBe(200);
    expect(members.body.members).toEqual([
      { userId: coordinator.user.id, name: "Sofie", role: "coordinator" },
      { userId: daughter.user.id, name: "Marie", role: "family" },
    ]);
  });

  it("accepts a code typed in lower case with dashes", async () => {
    const coordinator = await server.registerUser();
    const circle = await server.createCircle(coordinator.token);
    const invite = await server.request("POST", `/api/circles/${circle.id}/invitations`, {
      token: coordinator.token,
      body: { role: "professional" },
    });
    const typed = (invite.body.code as string).toLowerCase().replace(/(.{4})(?!$)/g, "$1-");
    const nurse = await server.registerUser();
    const accepted = await server.request("POST", `/api/invitations/${encodeURIComponent(typed)}/accept`, { token: nurse.token });
    expect(accepted.status).toBe(200);
    expect(accepted.body.circle.myRole).toBe("professional");
  });

  it("lets exactly one of several people racing with one code join", async () => {
    const coordinator = await server.registerUser();
    const circle = await server.createCircle(coordinator.token);
    const invite = await server.request("POST", `/api/circles/${circle.id}/invitations`, {
      token: coordinator.token,
      body: { role: "family" },
    });
    const racers = await Promise.all([1, 2, 3, 4].map(() => server.registerUser()));
    const results = await Promise.all(
      racers.map((r) => server.request("POST", `/api/invitations/${invite.body.code}/accept`, { token: r.token })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 410)).toHaveLength(3);
    const members = await server.request("GET", `/api/circles/${circle.id}/members`, { token: coordinator.token });
    expect(members.body.members).toHaveLength(2);
  });

  it("answers an expired invitation with 410", async () => {
    const coordinator = await server.registerUser();
    const circle = await server.createCircle(coordinator.token);
    const invite = await server.request("POST", `/api/circles/${circle.id}/invitations`, {
      token: coordinator.token,
      body: { role: "family" },
    });
    await server.connection
      .collection("invitations")
      .updateOne({ _id: invite.body.code }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    const late = await server.registerUser();
    const res = await server.request("POST", `/api/invitations/${invite.body.code}/accept`, { token: late.token });
    expect(res.status).toBe(410);
  });

  it("answers an unknown code with 404 and an existing member with 409", async () => {
    const coordinator = await server.registerUser();
    const circle = await server.createCircle(coordinator.token);
    const unknown = await server.request("POST", "/api/invitations/ABCDEFGHJKMNPQRS/accept", { token: coordinator.token });
    expect(unknown.status).toBe(404);
    const invite = await server.request("POST", `/api/circles/${circle.id}/invitations`, {
      token: coordinator.token,
      body: { role: "family" },
    });
    const self = await server.request("POST", `/api/invitations/${invite.body.code}/accept`, { token: coordinator.token });
    expect(self.status).toBe(409);
  });

  it("lets only coordinators invite", async () => {
    const coordinator = await server.registerUser();
    const circle = await server.createCircle(coordinator.token);
    const family = await server.addMember(coordinator.token, circle.id, "family");
    const res = await server.request("POST", `/api/circles/${circle.id}/invitations`, {
      token: family.token,
      body: { role: "coordinator" },
    });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("forbidden");
  });

  it("refuses every circle endpoint to a non-member, and to nobody", async () => {
    const coordinator = await server.registerUser();
    const circle = await server.createCircle(coordinator.token);
    const stranger = await server.registerUser();
    const calls: [string, string, unknown?][] = [
      ["GET", `/api/circles/${circle.id}/members`],
      ["POST", `/api/circles/${circle.id}/invitations`, { role: "family" }],
      ["GET", `/api/circles/${circle.id}/messages`],
    ];
    for (const [method, path, body] of calls) {
      const asStranger = await server.request(method, path, { token: stranger.token, body });
      expect([path, asStranger.status]).toEqual([path, 403]);
      const anonymous = await server.request(method, path, { body });
      expect([path, anonymous.status]).toEqual([path, 401]);
    }
    const strangersCircles = await server.request("GET", "/api/circles", { token: stranger.token });
    expect(strangersCircles.body.circles).toEqual([]);
    for (const [method, path, body] of [["POST", "/api/circles", { name: "x" }], ["GET", "/api/circles"], ["POST", "/api/invitations/ABCDEFGHJKMNPQRS/accept"]] as const) {
      expect((await server.request(method, path, { body })).status).toBe(401);
    }
  });

  it("answers malformed and unknown ids and bad bodies with clear codes, never 5xx", async () => {
    const { token } = await server.registerUser();
    const circle = await server.createCircle(token);
    const cases: [string, string, unknown, number][] = [
      ["GET", "/api/circles/not-an-id/members", undefined, 400],
      ["GET", "/api/circles/aaaaaaaaaaaaaaaaaaaaaaaa/members", undefined, 403],
      ["POST", "/api/circles", { name: { $ne: null } }, 400],
      ["POST", "/api/circles", { name: "" }, 400],
      ["POST", "/api/circles", [], 400],
      ["POST", `/api/circles/${circle.id}/invitations`, { role: "admin" }, 400],
      ["POST", `/api/circles/${circle.id}/invitations`, { role: { $gt: "" } }, 400],
      ["GET", `/api/circles/${circle.id}/messages?limit=1000`, undefined, 400],
      ["GET", `/api/circles/${circle.id}/messages?afterSeq[$gt]=1`, undefined, 400],
      ["GET", `/api/circles/${circle.id}/messages?afterSeq=-1`, undefined, 400],
      ["GET", "/api/nothing-here", undefined, 404],
    ];
    for (const [method, path, body, status] of cases) {
      const res = await server.request(method, path, { token, body });
      expect([method, path, res.status]).toEqual([method, path, status]);
      expect(typeof res.body.error.code).toBe("string");
      expect(typeof res.body.error.message).toBe("string");
    }
  });
});
