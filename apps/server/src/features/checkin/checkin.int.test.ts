import { startTestServer, type TestServer } from "../../testing/harness";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

async function circleWithResident() {
  const sofie = await server.registerUser("Sofie");
  const circle = await server.createCircle(sofie.token, "Anna's circle");
  const marie = await server.addMember(sofie.token, circle.id, "family", "Marie");
  const anna = await server.addResident(sofie.token, circle.id, "Anna");
  const sockets = { anna: await server.connect(anna.token), marie: await server.connect(marie.token) };
  return { circle, sofie, marie, anna, sockets };
}

describe("GET /api/circles/:id/checkins", () => {
  const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

  it("returns today's check-in to every member, with the circle's date of today", async () => {
    const c = await circleWithResident();
    const ack = await c.sockets.anna.emitWithAck("checkin:ok", { circleId: c.circle.id });
    if (!ack.ok) throw new Error(JSON.stringify(ack.error));

    const res = await server.request("GET", `/api/circles/${c.circle.id}/checkins?from=${day(-3)}&to=${day(3)}`, { token: c.marie.token });
    expect(res.status).toBe(200);
    expect(res.body.today).toBe(ack.checkin.date);
    expect(res.body.checkins).toEqual([{ date: ack.checkin.date, at: ack.checkin.at, by: c.anna.user.id }]);

    // After a reload, the tablet asks the same question and gets the same answer.
    const byAnna = await server.request("GET", `/api/circles/${c.circle.id}/checkins?from=${ack.checkin.date}&to=${ack.checkin.date}`, { token: c.anna.token });
    expect(byAnna.body.checkins).toHaveLength(1);
    const before = await server.request("GET", `/api/circles/${c.circle.id}/checkins?from=${day(-40)}&to=${day(-20)}`, { token: c.anna.token });
    expect(before.body.checkins).toEqual([]);
  });

  it("accepts 62 days and refuses bad dates and longer ranges with 400", async () => {
    const c = await circleWithResident();
    const get = (query: string) => server.request("GET", `/api/circles/${c.circle.id}/checkins${query}`, { token: c.marie.token });
    expect((await get("?from=2026-01-01&to=2026-03-03")).status).toBe(200); // 62 days
    for (const query of [
      "",
      "?from=2026-01-01",
      "?from=2026-01-01&to=2026-03-04", // 63 days
      "?from=2026-02-30&to=2026-03-01",
      "?from=2026-13-01&to=2026-13-02",
      "?from=2026-03-02&to=2026-03-01",
      "?from=yesterday&to=today",
      "?from=2026-01-01&to=2026-01-02&extra=1",
    ]) {
      const res = await get(query);
      expect([query, res.status, res.body.error?.code]).toEqual([query, 400, "validation_failed"]);
    }
  });

  it("answers 403 to a non-member, like every circle route", async () => {
    const c = await circleWithResident();
    const stranger = await server.registerUser("Stranger");
    const res = await server.request("GET", `/api/circles/${c.circle.id}/checkins?from=2026-01-01&to=2026-01-02`, { token: stranger.token });
    expect(res.status).toBe(403);
    const unknown = await server.request("GET", `/api/circles/${"e".repeat(24)}/checkins?from=2026-01-01&to=2026-01-02`, { token: stranger.token });
    expect(unknown.status).toBe(403);
  });
});
