import { randomBytes } from "node:crypto";
import { collect, eventually, sleep, startTestServer, type TestServer } from "../../testing/harness";

// Issue #11 item 1: leaving and removal. Two server nodes (two apps on one database and one Redis):
// a removal on node A takes effect on node B's sockets and caches within a second.

let nodeA: TestServer;
let nodeB: TestServer;
beforeAll(async () => {
  const dbName = `kring_test_members_${randomBytes(4).toString("hex")}`;
  const config = { sendRatePerSecond: 10_000, sendBurst: 10_000 };
  nodeA = await startTestServer({ dbName, config });
  nodeB = await startTestServer({ dbName, config: { ...config, redisPrefix: nodeA.redisPrefix } });
});
afterAll(async () => {
  await nodeB.stop({ keepData: true });
  await nodeA.stop();
});

async function careCircle() {
  const coordinator = await nodeA.registerUser("Sofie Coordinator");
  const circle = await nodeA.createCircle(coordinator.token);
  const family = await nodeA.addMember(coordinator.token, circle.id, "family", "Marie Peeters");
  const professional = await nodeA.addMember(coordinator.token, circle.id, "professional", "Karim");
  return { circle, coordinator, family, professional };
}

const remove = (server: TestServer, token: string, circleId: string, userId: string) =>
  server.request("DELETE", `/api/circles/${circleId}/members/${userId}`, { token });

describe("removing a member", () => {
  it("takes the member out on the other node within a second: sockets, membership checks, lists", async () => {
    const { circle, coordinator, family, professional } = await careCircle();
    const marieOnB = await nodeB.connect(family.token);
    const karimOnA = await nodeA.connect(professional.token);
    // Warm node B's membership cache for Marie with a send that succeeds.
    const first = await marieOnB.emitWithAck("message:send", { circleId: circle.id, clientId: "m-1", body: "Ik kom om 3 uur" });
    expect(first.ok).toBe(true);
    const removedEvents = collect(marieOnB, "circle:removed");
    const marieInbox = collect(marieOnB, "message:new");

    const startedAt = Date.now();
    expect((await remove(nodeA, coordinator.token, circle.id, family.user.id)).status).toBe(204);
    await eventually(() => removedEvents.length === 1, 1000, "circle:removed on node B");
    expect(removedEvents[0]).toEqual({ circleId: circle.id });
    expect(Date.now() - startedAt).toBeLessThan(1000);

    // Node B refuses her events at once (its cached check was forgotten), and nothing reaches her.
    const refused = await marieOnB.emitWithAck("message:send", { circleId: circle.id, clientId: "m-2", body: "Nog iets" });
    expect(refused).toMatchObject({ ok: false, error: { code: "forbidden" } });
    const sent = await karimOnA.emitWithAck("message:send", { circleId: circle.id, clientId: "k-1", body: "Na de verwijdering" });
    expect(sent.ok).toBe(true);
    await sleep(300);
    expect(marieInbox).toEqual([]);
    const sync = await marieOnB.emitWithAck("message:sync", { circleId: circle.id, afterSeq: 0 });
    expect(sync).toMatchObject({ ok: false, error: { code: "forbidden" } });

    // Over REST on either node: the circle is gone from her list, she is gone from the members.
    expect((await nodeB.request("GET", "/api/circles", { token: family.token })).body.circles).toEqual([]);
    expect((await nodeB.request("GET", `/api/circles/${circle.id}/members`, { token: family.token })).status).toBe(403);
    const members = await nodeB.request("GET", `/api/circles/${circle.id}/members`, { token: coordinator.token });
    expect(members.body.members.map((m: { userId: string }) => m.userId)).not.toContain(family.user.id);
    // Her name stays known for her past messages, to those who read the conversation.
    expect(members.body.formerMembers).toEqual([{ userId: family.user.id, name: "Marie Peeters" }]);
    // Her past message stays, signed with her id.
    const history = await nodeA.request("GET", `/api/circles/${circle.id}/messages`, { token: coordinator.token });
    expect(history.body.messages).toEqual(expect.arrayContaining([expect.objectContaining({ seq: 1, senderId: family.user.id, body: "Ik kom om 3 uur" })]));
  });

  it("lets any member leave, and lets them be invited back", async () => {
    const { circle, coordinator, professional } = await careCircle();
    const karim = await nodeB.connect(professional.token);
    const removed = collect(karim, "circle:removed");
    expect((await remove(nodeA, professional.token, circle.id, professional.user.id)).status).toBe(204);
    await eventually(() => removed.length === 1, 1000, "circle:removed");
    expect((await nodeA.request("GET", `/api/circles/${circle.id}/members`, { token: professional.token })).status).toBe(403);
    // Leaving twice: no longer a member, so forbidden like any outsider.
    expect((await remove(nodeA, professional.token, circle.id, professional.user.id)).status).toBe(403);

    const invite = await nodeA.request("POST", `/api/circles/${circle.id}/invitations`, { token: coordinator.token, body: { role: "family" } });
    expect((await nodeB.request("POST", `/api/invitations/${invite.body.code}/accept`, { token: professional.token })).status).toBe(200);
    const members = await nodeA.request("GET", `/api/circles/${circle.id}/members`, { token: coordinator.token });
    const karimEntries = members.body.members.filter((m: { userId: string }) => m.userId === professional.user.id);
    expect(karimEntries).toEqual([expect.objectContaining({ role: "family" })]);
  });

  it("never removes the last coordinator, and only coordinators remove others", async () => {
    const { circle, coordinator, family, professional } = await careCircle();
    const leave = await remove(nodeA, coordinator.token, circle.id, coordinator.user.id);
    expect(leave.status).toBe(409);
    expect(leave.body.error.code).toBe("conflict");
    expect((await remove(nodeA, family.token, circle.id, professional.user.id)).status).toBe(403);
    expect((await remove(nodeA, family.token, circle.id, coordinator.user.id)).status).toBe(403);

    const outsider = await nodeA.registerUser("Stranger");
    expect((await remove(nodeA, outsider.token, circle.id, family.user.id)).status).toBe(403);
    expect((await remove(nodeA, outsider.token, "0123456789abcdef01234567", family.user.id)).status).toBe(403);
    expect((await remove(nodeA, coordinator.token, circle.id, outsider.user.id)).status).toBe(404);
    expect((await remove(nodeA, coordinator.token, circle.id, "not-an-id")).status).toBe(400);
    expect((await nodeA.request("DELETE", `/api/circles/${circle.id}/members/${family.user.id}`)).status).toBe(401);
    const members = await nodeA.request("GET", `/api/circles/${circle.id}/members`, { token: coordinator.token });
    expect(members.body.members).toHaveLength(3);
  });

  it("keeps at least one coordinator when two coordinators remove each other at the same moment", async () => {
    const { circle, coordinator } = await careCircle();
    const second = await nodeA.addMember(coordinator.token, circle.id, "coordinator", "Els");
    const [first, other] = await Promise.all([
      remove(nodeA, coordinator.token, circle.id, second.user.id),
      remove(nodeB, second.token, circle.id, coordinator.user.id),
    ]);
    for (const res of [first, other]) expect([204, 403, 409]).toContain(res.status);
    const members = await nodeA.request("GET", `/api/circles/${circle.id}/members`, {
      token: first.status === 204 ? coordinator.token : second.token,
    });
    const coordinators = members.body.members.filter((m: { role: string }) => m.role === "coordinator");
    expect(coordinators.length).toBeGreaterThanOrEqual(1);
  });
});
