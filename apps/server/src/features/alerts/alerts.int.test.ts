import type { Alert } from "@kring/protocol";
import { collect, eventually, startTestServer, type TestServer } from "../../testing/harness";

// The domain's clock, moved forward by tests that must cross the 5-minute window to cancel.
let offsetMs = 0;
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ now: () => new Date(Date.now() + offsetMs) });
});
afterAll(async () => {
  await server.stop();
});
afterEach(() => {
  offsetMs = 0;
});

async function circleWithResident() {
  const sofie = await server.registerUser("Sofie");
  const circle = await server.createCircle(sofie.token, "Anna's circle");
  const marie = await server.addMember(sofie.token, circle.id, "family", "Marie");
  const anna = await server.addResident(sofie.token, circle.id, "Anna");
  const sockets = { anna: await server.connect(anna.token), marie: await server.connect(marie.token) };
  return { circle, sofie, marie, anna, sockets };
}

async function raiseHelp(c: Awaited<ReturnType<typeof circleWithResident>>): Promise<Alert> {
  const ack = await c.sockets.anna.emitWithAck("alert:raise", { circleId: c.circle.id, kind: "help", clientId: `tap-${Math.random()}` });
  if (!ack.ok) throw new Error(JSON.stringify(ack.error));
  return ack.alert;
}

describe("alert:cancel (I pressed by mistake)", () => {
  it("lets the raiser cancel within 5 minutes: resolved with the note, and the other members are told", async () => {
    const c = await circleWithResident();
    const marieUpdates = collect(c.sockets.marie, "alert:update");
    const alert = await raiseHelp(c);
    offsetMs = 4 * 60_000 + 50_000;

    const ack = await c.sockets.anna.emitWithAck("alert:cancel", { alertId: alert.id });
    expect(ack).toMatchObject({ ok: true, alert: { id: alert.id, status: "resolved", resolvedBy: c.anna.user.id, note: "Cancelled by Anna" } });
    await eventually(() => marieUpdates.some((a) => a.id === alert.id && a.status === "resolved"), 3000, "Marie hears of the cancel");
    expect(marieUpdates.find((a) => a.status === "resolved")?.note).toBe("Cancelled by Anna");

    const listed = await server.request("GET", `/api/circles/${c.circle.id}/alerts`, { token: c.marie.token });
    expect(listed.body.alerts.find((a: Alert) => a.id === alert.id)).toMatchObject({ status: "resolved", note: "Cancelled by Anna" });
    // A second cancel (another tab of the tablet) is told the truth, not a crash.
    expect(await c.sockets.anna.emitWithAck("alert:cancel", { alertId: alert.id })).toMatchObject({ ok: false, error: { code: "conflict" } });
  });

  it("refuses another member with forbidden, and leaves the alert open", async () => {
    const c = await circleWithResident();
    const alert = await raiseHelp(c);
    expect(await c.sockets.marie.emitWithAck("alert:cancel", { alertId: alert.id })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    const listed = await server.request("GET", `/api/circles/${c.circle.id}/alerts`, { token: c.marie.token });
    expect(listed.body.alerts.find((a: Alert) => a.id === alert.id).status).toBe("open");
  });

  it("refuses the raiser after 5 minutes with forbidden", async () => {
    const c = await circleWithResident();
    const alert = await raiseHelp(c);
    offsetMs = 5 * 60_000 + 1000;
    expect(await c.sockets.anna.emitWithAck("alert:cancel", { alertId: alert.id })).toMatchObject({ ok: false, error: { code: "forbidden" } });
  });

  it("answers not_found for an unknown alert and validation_failed for a bad payload", async () => {
    const c = await circleWithResident();
    expect(await c.sockets.anna.emitWithAck("alert:cancel", { alertId: "f".repeat(24) })).toMatchObject({ ok: false, error: { code: "not_found" } });
    const bad = await c.sockets.anna.emitWithAck("alert:cancel", { alertId: { $ne: null } } as never);
    expect(bad).toMatchObject({ ok: false, error: { code: "validation_failed" } });
  });

  it("refuses a stranger to the circle as forbidden", async () => {
    const c = await circleWithResident();
    const alert = await raiseHelp(c);
    const stranger = await server.registerUser("Stranger");
    const socket = await server.connect(stranger.token);
    expect(await socket.emitWithAck("alert:cancel", { alertId: alert.id })).toMatchObject({ ok: false, error: { code: "forbidden" } });
  });
});
