import { toLocal } from "@kring/domain";
import { eventually, sleep, startTestServer, type TestServer } from "@kring/server/testing";
import { startSmtpCatcher } from "./testing/channel-servers";
import { createAnnasCircle, setLadder } from "./testing/circle-fixture";
import { startTestWorker, type TestWorker } from "./testing/worker-harness";

let server: TestServer;
let worker: TestWorker;
let smtp: Awaited<ReturnType<typeof startSmtpCatcher>>;

beforeAll(async () => {
  smtp = await startSmtpCatcher();
  server = await startTestServer({ config: { sendRatePerSecond: 1000, sendBurst: 1000, digestWindowMs: 2000 } });
  worker = await startTestWorker(server, { config: { smtpUrl: smtp.url } });
});
afterAll(async () => {
  await worker.stop();
  await server.stop();
  await smtp.stop();
});

const mailsTo = (email: string) => smtp.messages.filter((m) => JSON.stringify(m.to).includes(email));

describe("message digests", () => {
  it("sends a member with no connected socket one digest per window, and nothing to those online", async () => {
    const c = await createAnnasCircle(server);
    c.sockets.jan.disconnect();
    await sleep(200);
    for (const name of ["marie", "jan", "nina", "sofie"] as const) {
      await server.request("PUT", "/api/me/notification-preferences", {
        token: c[name].token,
        body: { channels: { push: false, email: true, sms: false }, phone: null, quietHours: null, language: "nl" },
      });
    }
    for (let i = 0; i < 4; i += 1) {
      await c.sockets.anna.emitWithAck("message:send", { circleId: c.circle.id, clientId: `d${i}`, body: `Bericht ${i}` });
    }
    await eventually(() => mailsTo(c.jan.user.email).length === 1, 8000, "Jan's digest");
    const digest = mailsTo(c.jan.user.email)[0]!;
    expect(digest.subject).toBe("Nieuwe berichten in Anna's circle");
    expect(digest.text).not.toContain("Bericht");
    await sleep(2500);
    expect(mailsTo(c.jan.user.email)).toHaveLength(1);
    // Anna is a managed resident: no email address, so nothing can be mailed to her.
    expect(c.anna.user.email).toBe("");
    for (const online of [c.marie, c.nina, c.sofie]) expect(mailsTo(online.user.email)).toHaveLength(0);
  }, 20_000);

  it("skips the digest when the member read everything before the window closed", async () => {
    const c = await createAnnasCircle(server);
    c.sockets.jan.disconnect();
    await sleep(200);
    await server.request("PUT", "/api/me/notification-preferences", {
      token: c.jan.token,
      body: { channels: { push: false, email: true, sms: false }, phone: null, quietHours: null },
    });
    const sent = await c.sockets.anna.emitWithAck("message:send", { circleId: c.circle.id, clientId: "r1", body: "Hallo" });
    if (!sent.ok) throw new Error("send failed");
    const jansPhone = await server.connect(c.jan.token);
    await jansPhone.emitWithAck("message:read", { circleId: c.circle.id, seq: sent.message.seq });
    await sleep(3500);
    expect(mailsTo(c.jan.user.email)).toHaveLength(0);
  }, 15_000);
});

/** A deadline a few minutes ago in `timeZone`, so "today's" deadline has passed there. */
function deadlineJustPassed(timeZone: string): string {
  const minute = toLocal(new Date(), timeZone).minuteOfDay - 3;
  if (minute < 0) throw new Error("too close to local midnight for this test");
  return `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;
}

describe("daily check-in", () => {
  // Auckland is 11-13 hours ahead of Brussels: its "today" is often Brussels' tomorrow.
  const timeZone = toLocal(new Date(), "Pacific/Auckland").minuteOfDay > 10 ? "Pacific/Auckland" : "America/Los_Angeles";

  it("raises missed_checkin through the ladder when the deadline passes without I'm OK, and I'm OK resolves it", async () => {
    const c = await createAnnasCircle(server);
    await setLadder(server, c, ["marie"], 60);
    const deadline = deadlineJustPassed(timeZone);
    const put = await server.request("PUT", `/api/circles/${c.circle.id}/checkin-schedule`, {
      token: c.sofie.token,
      body: { deadline, timeZone, enabled: true },
    });
    expect(put.body).toEqual({ schedule: { deadline, timeZone, enabled: true } });
    const scheduler = await worker.queues.queues.checkins.getJobScheduler(`checkin-${c.circle.id}`);
    expect(scheduler).toMatchObject({ tz: timeZone, pattern: `${Number(deadline.slice(3))} ${Number(deadline.slice(0, 2))} * * *` });

    await worker.queues.checkins.runNow(c.circle.id, "first");
    await eventually(() => c.notifications.marie.length === 1, 5000, "Marie paged for the missed check-in");
    const alerts = await server.request("GET", `/api/circles/${c.circle.id}/alerts`, { token: c.sofie.token });
    expect(alerts.body.alerts).toHaveLength(1);
    const missed = alerts.body.alerts[0];
    expect(missed).toMatchObject({ kind: "missed_checkin", status: "open", raisedBy: null, clientId: `missed-checkin:${toLocal(new Date(), timeZone).date}` });

    const ok = await c.sockets.anna.emitWithAck("checkin:ok", { circleId: c.circle.id });
    expect(ok).toMatchObject({ ok: true, checkin: { circleId: c.circle.id, date: toLocal(new Date(), timeZone).date, by: c.anna.user.id } });
    await eventually(() => c.updates.marie.some((a) => a.id === missed.id && a.status === "resolved"), 3000, "resolved by check-in");

    // Running the deadline again that day changes nothing: checked in.
    await worker.queues.checkins.runNow(c.circle.id, "second");
    await sleep(800);
    const after = await server.request("GET", `/api/circles/${c.circle.id}/alerts`, { token: c.sofie.token });
    expect(after.body.alerts).toHaveLength(1);
  });

  it("raises nothing when the resident checked in before the deadline, or when check-in is off", async () => {
    const c = await createAnnasCircle(server);
    await setLadder(server, c, ["marie"], 60);
    await server.request("PUT", `/api/circles/${c.circle.id}/checkin-schedule`, {
      token: c.sofie.token,
      body: { deadline: deadlineJustPassed(timeZone), timeZone, enabled: true },
    });
    await c.sockets.anna.emitWithAck("checkin:ok", { circleId: c.circle.id });
    await worker.queues.checkins.runNow(c.circle.id, "checked-in");

    const other = await createAnnasCircle(server);
    const defaults = await server.request("GET", `/api/circles/${other.circle.id}/checkin-schedule`, { token: other.anna.token });
    expect(defaults.body.schedule).toEqual({ deadline: "10:00", timeZone: "Europe/Brussels", enabled: false });
    await worker.queues.checkins.runNow(other.circle.id, "disabled");
    await sleep(1000);
    for (const circle of [c, other]) {
      const alerts = await server.request("GET", `/api/circles/${circle.circle.id}/alerts`, { token: circle.sofie.token });
      expect(alerts.body.alerts).toEqual([]);
    }
    expect((await server.request("PUT", `/api/circles/${c.circle.id}/checkin-schedule`, {
      token: c.anna.token,
      body: { deadline: "09:00", timeZone, enabled: false },
    })).status).toBe(403);
  });
});
