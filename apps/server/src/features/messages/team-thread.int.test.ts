import type { Message, TypingEvent } from "@kring/protocol";
import { collect, eventually, sleep, startTestServer, type ClientSocket, type TestServer } from "../../testing/harness";

// Issue #9 item 5: the care-team thread. The resident's tablet must never receive a team message
// over any path (live event, typing, sync, history, unread counts), and each thread is a log of
// its own (seqs, sync, read markers, unread, resend idempotency).

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ config: { sendRatePerSecond: 10_000, sendBurst: 10_000 } });
});
afterAll(async () => {
  await server.stop();
});

/** Sofie (coordinator), Marie (family), Karim (professional) and Anna (the resident, on her tablet). */
async function careCircle() {
  const coordinator = await server.registerUser("Sofie");
  const circle = await server.createCircle(coordinator.token);
  const family = await server.addMember(coordinator.token, circle.id, "family", "Marie");
  const professional = await server.addMember(coordinator.token, circle.id, "professional", "Karim");
  const resident = await server.addResident(coordinator.token, circle.id, "Anna");
  return { circle, coordinator, family, professional, resident };
}

async function send(socket: ClientSocket, payload: { circleId: string; clientId: string; body: string; thread?: "circle" | "team" }) {
  const ack = await socket.emitWithAck("message:send", payload);
  if (!ack.ok) throw new Error(`send failed: ${ack.error.code}`);
  return ack.message;
}

async function circlesOf(token: string) {
  const res = await server.request("GET", "/api/circles", { token });
  return res.body.circles as Array<{ id: string; unread: number; unreadTeam?: number }>;
}

describe("the care-team thread", () => {
  it("delivers a team message to family, professional and coordinator sockets and never to the resident's", async () => {
    const { circle, coordinator, family, professional, resident } = await careCircle();
    const mariePhone = await server.connect(family.token);
    const marieLaptop = await server.connect(family.token);
    const karim = await server.connect(professional.token);
    const sofie = await server.connect(coordinator.token);
    const anna = await server.connect(resident.token);
    const inbox = {
      marieLaptop: collect(marieLaptop, "message:new"),
      karim: collect(karim, "message:new"),
      sofie: collect(sofie, "message:new"),
      anna: collect(anna, "message:new"),
    };

    const team = await send(mariePhone, { circleId: circle.id, clientId: "t-1", body: "She mentioned some dizziness", thread: "team" });
    expect(team).toMatchObject({ thread: "team", seq: 1, body: "She mentioned some dizziness" });
    // Then a circle message: once Anna has it, the team message (sent first, on the same path)
    // would have reached her already if it were going to.
    const everyone = await send(mariePhone, { circleId: circle.id, clientId: "c-1", body: "Ik kom om 3 uur" });
    expect(everyone).toMatchObject({ thread: "circle", seq: 1 });

    await eventually(() => inbox.anna.length === 1 && inbox.karim.length === 2 && inbox.sofie.length === 2 && inbox.marieLaptop.length === 2);
    await sleep(150);
    expect(inbox.anna).toEqual([everyone]);
    for (const received of [inbox.karim, inbox.sofie, inbox.marieLaptop]) {
      expect(received).toEqual([team, everyone]);
    }
  });

  it("keeps team typing away from the resident, and refuses her team typing", async () => {
    const { circle, family, professional, resident } = await careCircle();
    const marie = await server.connect(family.token);
    const karim = await server.connect(professional.token);
    const anna = await server.connect(resident.token);
    const karimSees = collect(karim, "typing");
    const annaSees = collect(anna, "typing");

    expect(await marie.emitWithAck("typing", { circleId: circle.id, thread: "team" })).toEqual({ ok: true });
    expect(await marie.emitWithAck("typing", { circleId: circle.id })).toEqual({ ok: true });
    await eventually(() => karimSees.length === 2 && annaSees.length === 1);
    await sleep(150);
    expect(karimSees.map((event: TypingEvent) => event.thread)).toEqual(["team", "circle"]);
    expect(annaSees).toEqual([{ circleId: circle.id, userId: family.user.id, name: "Marie", thread: "circle" }]);

    const refused = await anna.emitWithAck("typing", { circleId: circle.id, thread: "team" });
    expect(refused).toMatchObject({ ok: false, error: { code: "forbidden" } });
  });

  it("answers forbidden when the resident sends, syncs, reads or fetches the team thread", async () => {
    const { circle, family, resident } = await careCircle();
    const marie = await server.connect(family.token);
    const anna = await server.connect(resident.token);
    await send(marie, { circleId: circle.id, clientId: "t-1", body: "prescription changed", thread: "team" });

    const forbidden = { ok: false, error: { code: "forbidden", message: expect.any(String) } };
    expect(await anna.emitWithAck("message:send", { circleId: circle.id, clientId: "a-1", body: "hallo", thread: "team" })).toEqual(forbidden);
    expect(await anna.emitWithAck("message:sync", { circleId: circle.id, afterSeq: 0, thread: "team" })).toEqual(forbidden);
    expect(await anna.emitWithAck("message:read", { circleId: circle.id, seq: 1, thread: "team" })).toEqual(forbidden);
    const history = await server.request("GET", `/api/circles/${circle.id}/messages?thread=team`, { token: resident.token });
    expect(history.status).toBe(403);
    expect(history.body.error.code).toBe("forbidden");

    // Her own thread knows nothing of it, and nothing she tried was stored anywhere.
    expect(await anna.emitWithAck("message:sync", { circleId: circle.id, afterSeq: 0 })).toEqual({ ok: true, messages: [], hasMore: false });
    const team = await server.request("GET", `/api/circles/${circle.id}/messages?thread=team`, { token: family.token });
    expect(team.body.messages.map((m: Message) => m.body)).toEqual(["prescription changed"]);
  });

  it("numbers each thread on its own and syncs and pages each thread separately", async () => {
    const { circle, family, professional } = await careCircle();
    const marie = await server.connect(family.token);
    const karim = await server.connect(professional.token);
    const sent: Message[] = [];
    for (let i = 1; i <= 3; i += 1) sent.push(await send(marie, { circleId: circle.id, clientId: `c-${i}`, body: `circle ${i}` }));
    for (let i = 1; i <= 2; i += 1) {
      sent.push(await send(karim, { circleId: circle.id, clientId: `t-${i}`, body: `team ${i}`, thread: "team" }));
    }
    expect(sent.map((m) => `${m.thread}:${m.seq}`)).toEqual(["circle:1", "circle:2", "circle:3", "team:1", "team:2"]);

    const teamSync = await marie.emitWithAck("message:sync", { circleId: circle.id, afterSeq: 1, thread: "team" });
    expect(teamSync).toEqual({ ok: true, messages: [sent[4]], hasMore: false });
    const circleSync = await marie.emitWithAck("message:sync", { circleId: circle.id, afterSeq: 1, limit: 1 });
    expect(circleSync).toEqual({ ok: true, messages: [sent[1]], hasMore: true });
    const explicitCircle = await marie.emitWithAck("message:sync", { circleId: circle.id, afterSeq: 0, thread: "circle" });
    expect(explicitCircle.ok && explicitCircle.messages.map((m) => m.body)).toEqual(["circle 1", "circle 2", "circle 3"]);

    const teamHistory = await server.request("GET", `/api/circles/${circle.id}/messages?thread=team`, { token: professional.token });
    expect(teamHistory.body.messages).toEqual([sent[3], sent[4]]);
    const circleHistory = await server.request("GET", `/api/circles/${circle.id}/messages?beforeSeq=3`, { token: professional.token });
    expect(circleHistory.body.messages).toEqual([sent[0], sent[1]]);
    const badThread = await server.request("GET", `/api/circles/${circle.id}/messages?thread=private`, { token: family.token });
    expect(badThread.status).toBe(400);
  });

  it("counts unread per thread, and gives the resident no team count at all", async () => {
    const { circle, coordinator, family, resident } = await careCircle();
    const sofie = await server.connect(coordinator.token);
    const marie = await server.connect(family.token);
    await send(sofie, { circleId: circle.id, clientId: "c-1", body: "circle 1" });
    await send(sofie, { circleId: circle.id, clientId: "t-1", body: "team 1", thread: "team" });
    await send(sofie, { circleId: circle.id, clientId: "t-2", body: "team 2", thread: "team" });
    await send(sofie, { circleId: circle.id, clientId: "t-3", body: "team 3", thread: "team" });

    expect(await circlesOf(family.token)).toEqual([expect.objectContaining({ id: circle.id, unread: 1, unreadTeam: 3 })]);
    const [annaCircle] = await circlesOf(resident.token);
    expect(annaCircle).toMatchObject({ id: circle.id, unread: 1 });
    expect(annaCircle).not.toHaveProperty("unreadTeam");
    // The sender's own messages count as read in both threads.
    expect(await circlesOf(coordinator.token)).toEqual([expect.objectContaining({ unread: 0, unreadTeam: 0 })]);

    // Reading the team thread moves only the team marker.
    expect(await marie.emitWithAck("message:read", { circleId: circle.id, seq: 2, thread: "team" })).toEqual({ ok: true });
    expect(await circlesOf(family.token)).toEqual([expect.objectContaining({ unread: 1, unreadTeam: 1 })]);
    expect(await marie.emitWithAck("message:read", { circleId: circle.id, seq: 1 })).toEqual({ ok: true });
    expect(await circlesOf(family.token)).toEqual([expect.objectContaining({ unread: 0, unreadTeam: 1 })]);
    // A marker never passes the newest message of its own thread.
    expect(await marie.emitWithAck("message:read", { circleId: circle.id, seq: 99, thread: "team" })).toEqual({ ok: true });
    await send(sofie, { circleId: circle.id, clientId: "t-4", body: "team 4", thread: "team" });
    expect(await circlesOf(family.token)).toEqual([expect.objectContaining({ unread: 0, unreadTeam: 1 })]);
    // Marie's own team message moves her team marker, not her circle one.
    await send(sofie, { circleId: circle.id, clientId: "c-2", body: "circle 2" });
    await send(marie, { circleId: circle.id, clientId: "m-t", body: "ok", thread: "team" });
    expect(await circlesOf(family.token)).toEqual([expect.objectContaining({ unread: 1, unreadTeam: 0 })]);
  });

  it("keeps resends idempotent per thread: the same clientId in both threads makes two messages, a resend none", async () => {
    const { circle, family, professional } = await careCircle();
    const marie = await server.connect(family.token);
    const karim = await server.connect(professional.token);
    const karimInbox = collect(karim, "message:new");

    const inCircle = await send(marie, { circleId: circle.id, clientId: "same", body: "Hallo" });
    const inTeam = await send(marie, { circleId: circle.id, clientId: "same", body: "Hallo team", thread: "team" });
    expect(inTeam.id).not.toBe(inCircle.id);
    expect(inTeam).toMatchObject({ thread: "team", seq: 1 });
    const again = await send(marie, { circleId: circle.id, clientId: "same", body: "Hallo team", thread: "team" });
    expect(again).toEqual(inTeam);

    await eventually(() => karimInbox.length === 2);
    await sleep(150);
    expect(karimInbox).toEqual([inCircle, inTeam]);
    const team = await server.request("GET", `/api/circles/${circle.id}/messages?thread=team`, { token: family.token });
    expect(team.body.messages).toEqual([inTeam]);
  });

  it("lets a member who joins while connected receive team messages at once", async () => {
    const coordinator = await server.registerUser("Sofie");
    const circle = await server.createCircle(coordinator.token);
    const sofie = await server.connect(coordinator.token);
    const nurse = await server.registerUser("Karim");
    const karim = await server.connect(nurse.token);
    const inbox = collect(karim, "message:new");
    const invite = await server.request("POST", `/api/circles/${circle.id}/invitations`, { token: coordinator.token, body: { role: "professional" } });
    const accepted = await server.request("POST", `/api/invitations/${invite.body.code}/accept`, { token: nurse.token });
    expect(accepted.status).toBe(200);

    const team = await send(sofie, { circleId: circle.id, clientId: "t-1", body: "welcome to the team", thread: "team" });
    await eventually(() => inbox.length === 1);
    expect(inbox).toEqual([team]);
  });
});
