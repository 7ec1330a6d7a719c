import { collect, eventually, startTestServer, type TestServer } from "../../testing/harness";

// Issue #9 item 3: the resident's profile (phone, address, tablet language), who may see it, the
// claim race loser learning who won, and the lines a Help leaves in the conversation.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

async function circleWithResident() {
  const coordinator = await server.registerUser("Sofie");
  const circle = await server.createCircle(coordinator.token);
  const family = await server.addMember(coordinator.token, circle.id, "family", "Marie");
  const professional = await server.addMember(coordinator.token, circle.id, "professional", "Karim");
  const resident = await server.addResident(coordinator.token, circle.id, "Anna");
  return { coordinator, circle, family, professional, resident };
}

const profilePath = (circleId: string, userId: string) => `/api/circles/${circleId}/residents/${userId}/profile`;

describe("PUT /api/circles/:id/residents/:userId/profile", () => {
  it("lets a coordinator save a national number (stored as E.164), an address and the tablet's language", async () => {
    const { coordinator, circle, resident } = await circleWithResident();
    const saved = await server.request("PUT", profilePath(circle.id, resident.user.id), {
      token: coordinator.token,
      body: { phone: "0470 12 34 56", address: "Kerkstraat 1, 8000 Brugge", language: "fr" },
    });
    expect(saved.status).toBe(200);
    expect(saved.body.profile).toMatchObject({
      userId: resident.user.id,
      phone: "+32470123456",
      address: "Kerkstraat 1, 8000 Brugge",
      language: "fr",
    });

    // A field left out stays; null clears.
    const partial = await server.request("PUT", profilePath(circle.id, resident.user.id), { token: coordinator.token, body: { address: null } });
    expect(partial.body.profile).toMatchObject({ phone: "+32470123456", address: null, language: "fr" });

    // The tablet reads its own profile for its language.
    const own = await server.request("GET", profilePath(circle.id, resident.user.id), { token: resident.token });
    expect(own.status).toBe(200);
    expect(own.body.profile.language).toBe("fr");
  });

  it("refuses family, a bad phone number, a non-resident and a foreign circle", async () => {
    const { coordinator, circle, family, resident } = await circleWithResident();
    const asFamily = await server.request("PUT", profilePath(circle.id, resident.user.id), { token: family.token, body: { phone: "0470123456" } });
    expect(asFamily.status).toBe(403);

    const badPhone = await server.request("PUT", profilePath(circle.id, resident.user.id), { token: coordinator.token, body: { phone: "12345" } });
    expect(badPhone.status).toBe(400);
    expect(badPhone.body.error.code).toBe("validation_failed");
    const notAString = await server.request("PUT", profilePath(circle.id, resident.user.id), { token: coordinator.token, body: { phone: { $ne: null } } });
    expect(notAString.status).toBe(400);
    const unknownField = await server.request("PUT", profilePath(circle.id, resident.user.id), { token: coordinator.token, body: { email: "x@y.z" } });
    expect(unknownField.status).toBe(400);
    const badLanguage = await server.request("PUT", profilePath(circle.id, resident.user.id), { token: coordinator.token, body: { language: "de" } });
    expect(badLanguage.status).toBe(400);

    const notAResident = await server.request("PUT", profilePath(circle.id, family.user.id), { token: coordinator.token, body: { phone: "0470123456" } });
    expect(notAResident.status).toBe(404);

    const stranger = await server.registerUser("Stranger");
    const foreign = await server.createCircle(stranger.token, "Other circle");
    const intoForeign = await server.request("PUT", profilePath(foreign.id, resident.user.id), { token: coordinator.token, body: { phone: "0470123456" } });
    expect(intoForeign.status).toBe(403);
    const strangerReads = await server.request("GET", profilePath(circle.id, resident.user.id), { token: stranger.token });
    expect(strangerReads.status).toBe(403);
  });

  it("shows the profile in the member list to family, professionals and coordinators, not to the resident", async () => {
    const { coordinator, circle, family, professional, resident } = await circleWithResident();
    await server.request("PUT", profilePath(circle.id, resident.user.id), {
      token: coordinator.token,
      body: { phone: "+32 470 12 34 56", address: "Kerkstraat 1" },
    });
    for (const viewer of [coordinator, family, professional]) {
      const { body } = await server.request("GET", `/api/circles/${circle.id}/members`, { token: viewer.token });
      const entry = body.members.find((m: { userId: string }) => m.userId === resident.user.id);
      expect(entry.profile).toMatchObject({ phone: "+32470123456", address: "Kerkstraat 1" });
      // Only residents carry a profile.
      expect(body.members.filter((m: { profile?: unknown }) => m.profile !== undefined)).toHaveLength(1);
    }
    const { body } = await server.request("GET", `/api/circles/${circle.id}/members`, { token: resident.token });
    expect(body.members.every((m: { profile?: unknown }) => m.profile === undefined)).toBe(true);
  });
});

describe("alerts that reach the eye", () => {
  it("tells the loser of a claim race who won", async () => {
    const { circle, family, professional, resident } = await circleWithResident();
    const tablet = await server.connect(resident.token);
    const marie = await server.connect(family.token);
    const karim = await server.connect(professional.token);
    const raised = await tablet.emitWithAck("alert:raise", { circleId: circle.id, kind: "help", clientId: "race-1" });
    if (!raised.ok) throw new Error(raised.error.message);
    const [first, second] = await Promise.all([
      marie.emitWithAck("alert:claim", { alertId: raised.alert.id }),
      karim.emitWithAck("alert:claim", { alertId: raised.alert.id }),
    ]);
    const winner = first.ok ? { name: "Marie", id: family.user.id } : { name: "Karim", id: professional.user.id };
    const loser = first.ok ? second : first;
    expect([first.ok, second.ok].sort()).toEqual([false, true]);
    if (loser.ok) throw new Error("both claims won");
    expect(loser.error.code).toBe("conflict");
    expect(loser.error.claimedBy).toEqual({ userId: winner.id, name: winner.name });
    expect(loser.error.message).toBe(`${winner.name} is already on it.`);
  });

  it("leaves a system line in the conversation on raise, claim and resolve, once each", async () => {
    const { circle, family, resident } = await circleWithResident();
    const tablet = await server.connect(resident.token);
    const marie = await server.connect(family.token);
    const lines = collect(marie, "message:new");
    const raised = await tablet.emitWithAck("alert:raise", { circleId: circle.id, kind: "help", clientId: "line-1" });
    if (!raised.ok) throw new Error(raised.error.message);
    // A resend of the same raise leaves no second line.
    await tablet.emitWithAck("alert:raise", { circleId: circle.id, kind: "help", clientId: "line-1" });
    await eventually(() => lines.length >= 1, 5000, "the raise's line");
    expect(lines[0]).toMatchObject({
      kind: "system",
      senderId: circle.id,
      body: "Anna pressed Help.",
      system: { type: "alert_raised", alertId: raised.alert.id, userId: resident.user.id, name: "Anna" },
    });

    const claimed = await marie.emitWithAck("alert:claim", { alertId: raised.alert.id });
    expect(claimed.ok).toBe(true);
    const resolved = await marie.emitWithAck("alert:resolve", { alertId: raised.alert.id, note: "All fine" });
    expect(resolved.ok).toBe(true);
    await eventually(() => lines.length >= 3, 5000, "the claim's and the resolve's lines");
    expect(lines.map((m) => m.system?.type)).toEqual(["alert_raised", "alert_claimed", "alert_resolved"]);
    expect(lines[2]).toMatchObject({ body: "Resolved by Marie: All fine", system: { name: "Marie", note: "All fine" } });

    // The lines are ordinary messages of the conversation: in history, with gap-free seqs.
    const history = await server.request("GET", `/api/circles/${circle.id}/messages`, { token: family.token });
    expect(history.body.messages.map((m: { seq: number; kind?: string }) => [m.seq, m.kind])).toEqual([
      [1, "system"],
      [2, "system"],
      [3, "system"],
    ]);
    // They count as news for every member (unread is arithmetic over seqs) and move nobody's marker.
    const circles = await server.request("GET", "/api/circles", { token: family.token });
    expect(circles.body.circles.find((c: { id: string }) => c.id === circle.id).unread).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(lines).toHaveLength(3);
  });

  it("leaves no line for a call-me request", async () => {
    const { circle, family, resident } = await circleWithResident();
    const tablet = await server.connect(resident.token);
    const marie = await server.connect(family.token);
    const lines = collect(marie, "message:new");
    const raised = await tablet.emitWithAck("alert:raise", { circleId: circle.id, kind: "call_me", clientId: "call-1" });
    expect(raised.ok).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(lines).toHaveLength(0);
  });
});
