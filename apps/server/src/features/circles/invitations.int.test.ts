import { collect, eventually, startTestServer, type TestServer } from "../../testing/harness";

// Issue #9 item 7: invitations come with a link, are listed while pending and can be withdrawn.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

async function invite(token: string, circleId: string, role: string) {
  const res = await server.request("POST", `/api/circles/${circleId}/invitations`, { token, body: { role } });
  expect(res.status).toBe(201);
  return res.body as { code: string; role: string; expiresAt: string; url: string };
}

describe("pending invitations", () => {
  it("lists each pending code with its role, expiry and link, newest first, and a second code does not replace the first", async () => {
    const sofie = await server.registerUser("Sofie");
    const circle = await server.createCircle(sofie.token);
    const family = await invite(sofie.token, circle.id, "family");
    expect(family.url).toBe(`http://localhost:4000/join/${family.code}`);
    expect(family.role).toBe("family");
    const nurse = await invite(sofie.token, circle.id, "professional");

    const listed = await server.request("GET", `/api/circles/${circle.id}/invitations`, { token: sofie.token });
    expect(listed.status).toBe(200);
    expect(listed.body.invitations).toEqual([nurse, family]);

    // A used code leaves the list; the other stays.
    // Typed as a person reads it aloud: lower case, in groups of four.
    const typed = family.code.toLowerCase().replace(/(.{4})(?!$)/g, "$1-");
    const marie = await server.registerUser("Marie");
    expect((await server.request("GET", `/api/invitations/${typed}`, { token: marie.token })).status).toBe(200);
    expect((await server.request("POST", `/api/invitations/${typed}/accept`, { token: marie.token })).status).toBe(200);
    const after = await server.request("GET", `/api/circles/${circle.id}/invitations`, { token: sofie.token });
    expect(after.body.invitations).toEqual([nurse]);
  });

  it("revokes a code: 204, gone from the list, and accepting it afterwards answers 410", async () => {
    const sofie = await server.registerUser("Sofie");
    const circle = await server.createCircle(sofie.token);
    const code = (await invite(sofie.token, circle.id, "family")).code;

    const revoked = await server.request("DELETE", `/api/circles/${circle.id}/invitations/${code}`, { token: sofie.token });
    expect(revoked.status).toBe(204);
    expect((await server.request("GET", `/api/circles/${circle.id}/invitations`, { token: sofie.token })).body.invitations).toEqual([]);

    const jan = await server.registerUser("Jan");
    const preview = await server.request("GET", `/api/invitations/${code}`, { token: jan.token });
    expect(preview.status).toBe(410);
    const accepted = await server.request("POST", `/api/invitations/${code}/accept`, { token: jan.token });
    expect(accepted.status).toBe(410);
    expect(accepted.body.error).toEqual({ code: "gone", message: expect.stringMatching(/withdrawn/) });
    // Revoking twice is harmless.
    expect((await server.request("DELETE", `/api/circles/${circle.id}/invitations/${code}`, { token: sofie.token })).status).toBe(204);
  });

  it("does not revoke a code that was already used", async () => {
    const sofie = await server.registerUser("Sofie");
    const circle = await server.createCircle(sofie.token);
    const code = (await invite(sofie.token, circle.id, "family")).code;
    const marie = await server.registerUser("Marie");
    await server.request("POST", `/api/invitations/${code}/accept`, { token: marie.token });
    const revoked = await server.request("DELETE", `/api/circles/${circle.id}/invitations/${code}`, { token: sofie.token });
    expect(revoked.status).toBe(409);
  });

  it("is for coordinators only, and another circle's code is unknown here", async () => {
    const sofie = await server.registerUser("Sofie");
    const circle = await server.createCircle(sofie.token);
    const code = (await invite(sofie.token, circle.id, "family")).code;
    const marie = await server.addMember(sofie.token, circle.id, "family", "Marie");
    const stranger = await server.registerUser("Stranger");
    const strangerCircle = await server.createCircle(stranger.token, "Elsewhere");

    for (const token of [marie.token, stranger.token]) {
      expect((await server.request("GET", `/api/circles/${circle.id}/invitations`, { token })).status).toBe(403);
      expect((await server.request("DELETE", `/api/circles/${circle.id}/invitations/${code}`, { token })).status).toBe(403);
      const mailed = await server.request("POST", `/api/circles/${circle.id}/invitations/${code}/email`, { token, body: { email: "x@example.test" } });
      expect(mailed.status).toBe(403);
    }
    // The stranger coordinates their own circle, but this circle's code is not theirs to withdraw.
    const foreign = await server.request("DELETE", `/api/circles/${strangerCircle.id}/invitations/${code}`, { token: stranger.token });
    expect(foreign.status).toBe(404);
    expect((await server.request("GET", `/api/circles/${circle.id}/invitations`, { token: sofie.token })).body.invitations).toHaveLength(1);
    expect((await server.request("GET", "/api/circles/nope/invitations", { token: sofie.token })).status).toBe(400);
    expect((await server.request("GET", `/api/circles/${circle.id}/invitations`)).status).toBe(401);
  });

  it("queues an invitation mail only for a pending code and a real address", async () => {
    const sofie = await server.registerUser("Sofie");
    const circle = await server.createCircle(sofie.token);
    const code = (await invite(sofie.token, circle.id, "family")).code;
    const ok = await server.request("POST", `/api/circles/${circle.id}/invitations/${code}/email`, {
      token: sofie.token,
      body: { email: "marie@example.test", language: "fr" },
    });
    expect(ok.status).toBe(202);
    const bad = await server.request("POST", `/api/circles/${circle.id}/invitations/${code}/email`, { token: sofie.token, body: { email: "not an address" } });
    expect(bad.status).toBe(400);
    await server.request("DELETE", `/api/circles/${circle.id}/invitations/${code}`, { token: sofie.token });
    const revoked = await server.request("POST", `/api/circles/${circle.id}/invitations/${code}/email`, { token: sofie.token, body: { email: "marie@example.test" } });
    expect(revoked.status).toBe(410);
  });
});

describe("a new family member and a custom ladder", () => {
  it("goes to the end of the coordinator's ladder, and the coordinator is told in-app", async () => {
    const sofie = await server.registerUser("Sofie");
    const circle = await server.createCircle(sofie.token);
    const marie = await server.addMember(sofie.token, circle.id, "family", "Marie");
    const set = await server.request("PUT", `/api/circles/${circle.id}/escalation`, {
      token: sofie.token,
      body: { responders: [marie.user.id, sofie.user.id], stepSeconds: 300 },
    });
    expect(set.status).toBe(200);
    const socket = await server.connect(sofie.token);
    const notices = collect(socket, "notification");

    const jan = await server.addMember(sofie.token, circle.id, "family", "Jan");
    const nurse = await server.addMember(sofie.token, circle.id, "professional", "Nurse");
    const ladder = await server.request("GET", `/api/circles/${circle.id}/escalation`, { token: sofie.token });
    expect(ladder.body.escalation).toEqual({ responders: [marie.user.id, sofie.user.id, jan.user.id], stepSeconds: 300, isDefault: false });
    expect(ladder.body.escalation.responders).not.toContain(nurse.user.id);

    await eventually(() => notices.length === 1, 5000, "the coordinator's notice");
    expect(notices[0]).toMatchObject({ kind: "ladder_member_added", circleId: circle.id, alertId: null, urgent: false });
    expect(notices[0]!.text).toContain("Anna's circle");
  });
});
