import { collect, eventually, sleep, startTestServer, type TestServer } from "@kring/server/testing";
import { createAnnasCircle, raise, setLadder } from "./testing/circle-fixture";
import { startTestWorker, type TestWorker } from "./testing/worker-harness";

let server: TestServer;
let worker: TestWorker;
beforeAll(async () => {
  server = await startTestServer();
  worker = await startTestWorker(server);
});
afterAll(async () => {
  await worker.stop();
  await server.stop();
});

describe("escalation ladder", () => {
  it("pages the ladder in order with real timing, then every professional and coordinator when unanswered", async () => {
    const c = await createAnnasCircle(server);
    await setLadder(server, c, ["marie", "jan"], 5);
    const alert = await raise(c);
    expect(alert).toMatchObject({ kind: "help", status: "open", raisedBy: c.anna.user.id, circleId: c.circle.id });
    const raisedAt = Date.parse(alert.createdAt);

    await eventually(() => c.notifications.marie.length === 1, 2000, "Marie's page");
    expect(Date.now() - raisedAt).toBeLessThan(1000);
    expect(c.notifications.marie[0]).toMatchObject({ kind: "alert_page", alertId: alert.id, circleId: c.circle.id, urgent: true });
    expect(c.notifications.jan).toHaveLength(0);

    await eventually(() => c.notifications.jan.length === 1, 8000, "Jan's page");
    const janPagedAfter = Date.now() - raisedAt;
    expect(janPagedAfter).toBeGreaterThanOrEqual(5000);
    expect(janPagedAfter).toBeLessThan(6000);

    await eventually(() => c.notifications.nina.length === 1 && c.notifications.sofie.length === 1, 8000, "unanswered pages");
    const unansweredAfter = Date.now() - raisedAt;
    expect(unansweredAfter).toBeGreaterThanOrEqual(10_000);
    expect(unansweredAfter).toBeLessThan(11_000);
    expect(c.notifications.nina[0]).toMatchObject({ kind: "alert_unanswered", alertId: alert.id });
    expect(c.notifications.anna).toHaveLength(0);

    const listed = await server.request("GET", `/api/circles/${c.circle.id}/alerts?status=unanswered`, { token: c.marie.token });
    expect(listed.body.alerts).toHaveLength(1);
    const stored = listed.body.alerts[0];
    const pagedIds = stored.paged.map((p: { userId: string }) => p.userId);
    expect(pagedIds.slice(0, 2)).toEqual([c.marie.user.id, c.jan.user.id]);
    expect(new Set(pagedIds.slice(2))).toEqual(new Set([c.nina.user.id, c.sofie.user.id]));
    expect(stored.history.map((h: { type: string }) => h.type)).toEqual(["raised", "paged", "paged", "unanswered", "paged", "paged"]);
    // Everyone in the circle saw every change.
    await eventually(() => c.updates.jan.at(-1)?.status === "unanswered", 2000, "Jan sees unanswered");
    expect(c.updates.anna.map((a) => a.status)).toContain("unanswered");
  }, 30_000);

  it("stops the ladder on a claim: the first claim wins, the others get conflict, nobody else is paged", async () => {
    const c = await createAnnasCircle(server);
    await setLadder(server, c, ["marie", "jan"], 5);
    const alert = await raise(c);
    await eventually(() => c.notifications.marie.length === 1, 2000, "Marie's page");

    const [byMarie, byNina] = await Promise.all([
      c.sockets.marie.emitWithAck("alert:claim", { alertId: alert.id }),
      c.sockets.nina.emitWithAck("alert:claim", { alertId: alert.id }),
    ]);
    const results = [byMarie, byNina];
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    // The loser learns who won (issue #9).
    const winnerName = byMarie.ok ? "Marie" : "Nina";
    expect(results.find((r) => !r.ok)).toEqual({
      ok: false,
      error: { code: "conflict", message: `${winnerName} is already on it.`, claimedBy: { userId: expect.any(String), name: winnerName } },
    });
    const winner = results.find((r) => r.ok);
    if (!winner?.ok) throw new Error("no winner");
    expect(winner.alert.status).toBe("claimed");

    await eventually(() => c.updates.anna.some((a) => a.status === "claimed"), 2000, "Anna sees the claim");
    await sleep(6500);
    expect(c.notifications.jan).toHaveLength(0);
    expect(c.notifications.nina).toHaveLength(0);

    const resolved = await c.sockets.sofie.emitWithAck("alert:resolve", { alertId: alert.id, note: "Marie is with Anna." });
    expect(resolved).toMatchObject({ ok: true, alert: { status: "resolved", resolvedBy: c.sofie.user.id, note: "Marie is with Anna." } });
    const again = await c.sockets.marie.emitWithAck("alert:resolve", { alertId: alert.id });
    expect(again).toMatchObject({ ok: false, error: { code: "conflict" } });
    const claimAfter = await c.sockets.jan.emitWithAck("alert:claim", { alertId: alert.id });
    expect(claimAfter).toMatchObject({ ok: false, error: { code: "conflict" } });
  }, 20_000);

  it("stops the ladder when the raiser cancels: the next responder is never paged, everyone paged is told", async () => {
    const c = await createAnnasCircle(server);
    await setLadder(server, c, ["marie", "jan"], 5);
    const alert = await raise(c);
    await eventually(() => c.notifications.marie.length === 1, 2000, "Marie's page");

    const cancelled = await c.sockets.anna.emitWithAck("alert:cancel", { alertId: alert.id });
    expect(cancelled).toMatchObject({ ok: true, alert: { status: "resolved", note: "Cancelled by Anna" } });
    await eventually(() => c.updates.marie.some((a) => a.id === alert.id && a.status === "resolved"), 2000, "Marie sees the cancel");

    // Jan's step was due 5 s after the raise; it runs, finds the alert resolved and pages nobody.
    await sleep(6500);
    expect(c.notifications.jan).toEqual([]);
    expect(c.notifications.nina).toEqual([]);
    expect(c.notifications.sofie).toEqual([]);
    const listed = await server.request("GET", `/api/circles/${c.circle.id}/alerts`, { token: c.sofie.token });
    const stored = listed.body.alerts.find((a: { id: string }) => a.id === alert.id);
    expect(stored.history.map((h: { type: string }) => h.type)).toEqual(["raised", "paged", "resolved"]);
  }, 20_000);

  it("returns the same alert for a resend with the same clientId, and pages once", async () => {
    const c = await createAnnasCircle(server);
    await setLadder(server, c, ["marie"], 60);
    const first = await raise(c, "help", "tap-1");
    const second = await raise(c, "help", "tap-1");
    expect(second.id).toBe(first.id);
    await eventually(() => c.notifications.marie.length === 1, 2000, "one page");
    await sleep(500);
    expect(c.notifications.marie).toHaveLength(1);
  });

  it("emits the in-app page from the ladder step itself and queues no job for channels that cannot reach the recipient", async () => {
    const c = await createAnnasCircle(server);
    await setLadder(server, c, ["marie"], 60);
    // Marie keeps the default preferences (push and email on) but has no push subscription, and this
    // worker has no SMTP: nothing but the in-app page can reach her.
    const alert = await raise(c);
    await eventually(() => c.notifications.marie.length === 1, 2000, "Marie's page");
    expect(c.notifications.marie[0]).toMatchObject({ id: `${alert.id}:${c.marie.user.id}`, kind: "alert_page", alertId: alert.id, text: "Nieuw alarm in Anna's circle" });
    const jobs = await worker.queues.queues.notifications.getJobs(["waiting", "delayed", "active", "completed", "failed", "prioritized"]);
    expect(jobs.filter((job) => job?.data.alertId === alert.id)).toEqual([]);
  });

  it("pages by a ladder changed a moment ago: the server tells the worker to forget its cached ladder", async () => {
    const c = await createAnnasCircle(server);
    await setLadder(server, c, ["marie", "jan"], 60);
    const first = await raise(c);
    await eventually(() => c.notifications.marie.length === 1, 2000, "Marie's page (the worker now holds this ladder)");
    await c.sockets.marie.emitWithAck("alert:resolve", { alertId: first.id });

    await setLadder(server, c, ["jan", "marie"], 60);
    await sleep(200); // the change travels over Redis pub/sub
    const second = await raise(c);
    await eventually(() => c.notifications.jan.some((n) => n.alertId === second.id), 2000, "Jan's page by the new ladder");
    await sleep(300);
    expect(c.notifications.marie.filter((n) => n.alertId === second.id)).toHaveLength(0);
  });

  it("uses the default ladder (family by joining order, then professionals, then coordinators)", async () => {
    const c = await createAnnasCircle(server);
    const res = await server.request("GET", `/api/circles/${c.circle.id}/escalation`, { token: c.anna.token });
    expect(res.body.escalation).toEqual({
      responders: [c.marie.user.id, c.jan.user.id, c.nina.user.id, c.sofie.user.id],
      stepSeconds: 120,
      isDefault: true,
    });
  });
});

describe("who is never paged (security #12 item 4)", () => {
  it("skips the member who raised the alert: the next responder is paged at once, and the unanswered fan-out leaves them out", async () => {
    const c = await createAnnasCircle(server);
    // Nina (professional) is first on the ladder and raises the alert herself.
    await setLadder(server, c, ["nina", "marie"], 5);
    const ack = await c.sockets.nina.emitWithAck("alert:raise", { circleId: c.circle.id, kind: "help", clientId: "nina-raises" });
    if (!ack.ok) throw new Error(JSON.stringify(ack.error));
    const raisedAt = Date.parse(ack.alert.createdAt);

    await eventually(() => c.notifications.marie.length === 1, 3000, "Marie's page");
    // At once, not after the 5 s step that Nina's place on the ladder would have taken.
    expect(Date.now() - raisedAt).toBeLessThan(2000);
    expect(c.notifications.marie[0]).toMatchObject({ kind: "alert_page", alertId: ack.alert.id });

    await eventually(() => c.notifications.sofie.length === 1, 8000, "the unanswered page to the coordinator");
    expect(c.notifications.sofie[0]).toMatchObject({ kind: "alert_unanswered", alertId: ack.alert.id });
    await sleep(300);
    expect(c.notifications.nina).toEqual([]);
    expect(c.notifications.anna).toEqual([]);
    const listed = await server.request("GET", `/api/circles/${c.circle.id}/alerts`, { token: c.sofie.token });
    const stored = listed.body.alerts.find((a: { id: string }) => a.id === ack.alert.id);
    expect(stored.status).toBe("unanswered");
    expect(stored.paged.map((p: { userId: string }) => p.userId)).toEqual([c.marie.user.id, c.sofie.user.id]);
  }, 20_000);

  it("refuses a ladder with the resident on it with 400 validation_failed", async () => {
    const c = await createAnnasCircle(server);
    const res = await server.request("PUT", `/api/circles/${c.circle.id}/escalation`, {
      token: c.sofie.token,
      body: { responders: [c.marie.user.id, c.anna.user.id], stepSeconds: 60 },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("validation_failed");
    const ladder = await server.request("GET", `/api/circles/${c.circle.id}/escalation`, { token: c.sofie.token });
    expect(ladder.body.escalation.isDefault).toBe(true);
    expect(ladder.body.escalation.responders).not.toContain(c.anna.user.id);
  });
});

describe("alert authorization and bad input", () => {
  it("lets no stranger raise, claim, resolve or see an alert, and no resident change the ladder", async () => {
    const c = await createAnnasCircle(server);
    await setLadder(server, c, ["marie"], 60);
    const alert = await raise(c);
    const stranger = await server.registerUser("Stranger");
    const socket = await server.connect(stranger.token);
    const strangerUpdates = collect(socket, "alert:update");
    const forbidden = { ok: false, error: { code: "forbidden", message: expect.any(String) } };
    expect(await socket.emitWithAck("alert:raise", { circleId: c.circle.id, kind: "help", clientId: "x" })).toEqual(forbidden);
    expect(await socket.emitWithAck("alert:claim", { alertId: alert.id })).toEqual(forbidden);
    expect(await socket.emitWithAck("alert:resolve", { alertId: alert.id })).toEqual(forbidden);
    expect(await socket.emitWithAck("checkin:ok", { circleId: c.circle.id })).toEqual(forbidden);
    expect((await server.request("GET", `/api/circles/${c.circle.id}/alerts`, { token: stranger.token })).status).toBe(403);
    expect((await server.request("GET", "/api/alerts", { token: stranger.token })).body.alerts).toEqual([]);
    await c.sockets.marie.emitWithAck("alert:claim", { alertId: alert.id });
    await sleep(200);
    expect(strangerUpdates).toEqual([]);

    for (const who of ["anna", "marie", "nina"] as const) {
      const res = await server.request("PUT", `/api/circles/${c.circle.id}/escalation`, {
        token: c[who].token,
        body: { responders: [c.marie.user.id], stepSeconds: 30 },
      });
      expect([who, res.status]).toEqual([who, 403]);
    }
    // The person who raised it can't claim it.
    const own = await raise(c);
    expect(await c.sockets.anna.emitWithAck("alert:claim", { alertId: own.id })).toMatchObject({ ok: false, error: { code: "forbidden" } });
  });

  it("refuses ladders with non-members, duplicates or out-of-range step times with 400", async () => {
    const c = await createAnnasCircle(server);
    const stranger = await server.registerUser();
    for (const body of [
      { responders: [stranger.user.id], stepSeconds: 60 },
      { responders: [c.marie.user.id, c.marie.user.id], stepSeconds: 60 },
      { responders: [c.marie.user.id], stepSeconds: 4 },
      { responders: [c.marie.user.id], stepSeconds: 3601 },
      { responders: [], stepSeconds: 60 },
      { responders: [{ $ne: null }], stepSeconds: 60 },
    ]) {
      const res = await server.request("PUT", `/api/circles/${c.circle.id}/escalation`, { token: c.sofie.token, body });
      expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), 400]);
    }
  });

  it("answers malformed alert events with validation_failed and unknown alerts with not_found", async () => {
    const c = await createAnnasCircle(server);
    const s = c.sockets.marie as any;
    for (const payload of [
      { circleId: c.circle.id, kind: "fire", clientId: "x" },
      { circleId: c.circle.id, kind: "help" },
      { circleId: { $ne: null }, kind: "help", clientId: "x" },
      null,
    ]) {
      expect((await s.emitWithAck("alert:raise", payload)).error.code).toBe("validation_failed");
    }
    expect((await s.emitWithAck("alert:claim", { alertId: "nope" })).error.code).toBe("validation_failed");
    expect((await s.emitWithAck("alert:claim", { alertId: "aaaaaaaaaaaaaaaaaaaaaaaa" })).error.code).toBe("not_found");
    expect((await s.emitWithAck("alert:resolve", { alertId: "aaaaaaaaaaaaaaaaaaaaaaaa", note: "x".repeat(1001) })).error.code).toBe("validation_failed");
    s.emit("alert:raise", { circleId: c.circle.id, kind: "help", clientId: "no-ack" });
    await sleep(300);
    const alerts = await server.request("GET", `/api/circles/${c.circle.id}/alerts`, { token: c.sofie.token });
    expect(alerts.body.alerts).toEqual([]);
  });
});
