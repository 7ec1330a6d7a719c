import { toLocal } from "@kring/domain";
import { eventually, sleep, startTestServer, type TestServer } from "@kring/server/testing";
import https from "node:https";
import { REBIND_TEST_HOST, startPushService, startSmsWebhook, startSmtpCatcher } from "./testing/channel-servers";
import { createAnnasCircle, raise, setLadder } from "./testing/circle-fixture";
import { startTestWorker, type TestWorker } from "./testing/worker-harness";

let server: TestServer;
let worker: TestWorker;
let smtp: Awaited<ReturnType<typeof startSmtpCatcher>>;
let push: Awaited<ReturnType<typeof startPushService>>;
let sms: Awaited<ReturnType<typeof startSmsWebhook>>;

beforeAll(async () => {
  [smtp, push, sms] = await Promise.all([startSmtpCatcher(), startPushService(), startSmsWebhook()]);
  server = await startTestServer();
  worker = await startTestWorker(server, {
    config: { smtpUrl: smtp.url, smsWebhookUrl: sms.url, smsWebhookToken: sms.token, notificationAttempts: 3, notificationBackoffMs: 50 },
  });
});
afterAll(async () => {
  await worker.stop();
  await server.stop();
  await Promise.all([smtp.stop(), push.stop(), sms.stop()]);
});

async function preferences(token: string, body: object) {
  const res = await server.request("PUT", "/api/me/notification-preferences", { token, body });
  if (res.status !== 200) throw new Error(`preferences: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.preferences;
}

async function subscribe(token: string, name: string) {
  const res = await server.request("POST", "/api/me/push-subscriptions", { token, body: push.subscription(name) });
  expect(res.status).toBe(201);
}

describe("notification channels", () => {
  it("pages by in-app, Web Push, email and SMS, each carrying only an id and a neutral sentence", async () => {
    const c = await createAnnasCircle(server);
    await setLadder(server, c, ["marie"], 60);
    await preferences(c.marie.token, {
      channels: { push: true, email: true, sms: true },
      phone: "+32470123456",
      quietHours: null,
      language: "en",
    });
    await subscribe(c.marie.token, "marie-phone");
    const alert = await raise(c, "help");

    await eventually(() => push.received("marie-phone").length === 1, 5000, "push");
    const pushed = push.received("marie-phone")[0]!;
    expect(pushed.payload).toEqual({
      id: `${alert.id}:${c.marie.user.id}`,
      kind: "alert_page",
      circleId: c.circle.id,
      alertId: alert.id,
      text: "New alert in Anna's circle",
    });
    expect(pushed.urgency).toBe("high");
    expect(Number(pushed.ttl)).toBeLessThanOrEqual(300);
    expect(pushed.authorization).toMatch(/^vapid t=.+, k=.+/);

    await eventually(() => smtp.messages.some((m) => m.to && JSON.stringify(m.to).includes(c.marie.user.email)), 5000, "email");
    const mail = smtp.messages.find((m) => JSON.stringify(m.to).includes(c.marie.user.email))!;
    expect(mail.subject).toBe("New alert in Anna's circle");
    expect(mail.text).toContain(`/circles/${c.circle.id}/alerts/${alert.id}`);

    await eventually(() => sms.messages().some((m) => m.to === "+32470123456"), 5000, "sms");
    const text = sms.messages().find((m) => m.to === "+32470123456");
    expect(text).toEqual({ authorization: `Bearer ${sms.token}`, to: "+32470123456", text: "New alert in Anna's circle", id: `${alert.id}:${c.marie.user.id}` });

    expect(c.notifications.marie[0]?.text).toBe("New alert in Anna's circle");
    // Nothing says "help" or names the kind of alert outside Kring.
    for (const outside of [JSON.stringify(pushed.payload.text), mail.subject ?? "", text.text]) {
      expect(outside.toLowerCase()).not.toMatch(/help|call|check/);
    }
  });

  it("speaks the recipient's language", async () => {
    const c = await createAnnasCircle(server);
    await setLadder(server, c, ["marie", "jan"], 5);
    await preferences(c.marie.token, { channels: { push: false, email: false, sms: false }, phone: null, quietHours: null, language: "fr" });
    await raise(c);
    await eventually(() => c.notifications.marie.length === 1, 3000, "page");
    expect(c.notifications.marie[0]?.text).toBe("Nouvelle alerte dans Anna's circle");
  });

  it("deletes a push subscription the push service says is gone (404/410)", async () => {
    const c = await createAnnasCircle(server);
    await setLadder(server, c, ["jan"], 60);
    await preferences(c.jan.token, { channels: { push: true, email: false, sms: false }, phone: null, quietHours: null });
    await subscribe(c.jan.token, "jan-old-browser");
    push.respondWith("jan-old-browser", 410);
    await raise(c);
    await eventually(() => push.received("jan-old-browser").length === 1, 5000, "push attempt");
    await eventually(() => c.notifications.jan.length === 1, 3000, "in-app still works");
    const stored = () => worker.connection.collection("push_subscriptions").countDocuments({ userId: worker.connection.base.Types.ObjectId.createFromHexString(c.jan.user.id) });
    let remaining = -1;
    await eventually(() => remaining === 0, 3000, "subscription deleted", async () => {
      remaining = await stored();
    });
  });

  it("never contacts a push endpoint whose name resolves to an internal address, and forgets it", async () => {
    // An "internal admin service" on another loopback address, which the push endpoint's name
    // resolves to at send time (DNS rebinding: the name looked harmless when it was stored).
    let internalHits = 0;
    const internal = https.createServer((_req, res) => {
      internalHits += 1;
      res.end("ok");
    });
    await new Promise<void>((resolve) => internal.listen(0, "127.0.0.2", resolve));
    const { port } = internal.address() as { port: number };
    try {
      const c = await createAnnasCircle(server);
      await setLadder(server, c, ["jan"], 60);
      await preferences(c.jan.token, { channels: { push: true, email: false, sms: false }, phone: null, quietHours: null });
      const endpoint = `https://${REBIND_TEST_HOST}:${port}/internal-admin/reset?all=1`;
      const stored = await server.request("POST", "/api/me/push-subscriptions", { token: c.jan.token, body: { ...push.subscription("unused"), endpoint } });
      expect(stored.status).toBe(201); // the name does not resolve when it is stored
      await raise(c);
      await eventually(() => c.notifications.jan.length === 1, 5000, "in-app page");
      await sleep(500);
      expect(internalHits).toBe(0);
      const remaining = () => worker.connection.collection("push_subscriptions").countDocuments({ endpoint });
      let count = -1;
      await eventually(() => count === 0, 3000, "subscription forgotten", async () => {
        count = await remaining();
      });
      const deadLetters = await server.request("GET", `/api/circles/${c.circle.id}/dead-letters`, { token: c.sofie.token });
      expect(deadLetters.body.deadLetters).toEqual([]);
    } finally {
      await new Promise((resolve) => internal.close(resolve));
    }
  });

  it("records a neutral reason when a push service refuses, and follows no redirect", async () => {
    const c = await createAnnasCircle(server);
    await setLadder(server, c, ["jan"], 60);
    await preferences(c.jan.token, { channels: { push: true, email: false, sms: false }, phone: null, quietHours: null });
    await subscribe(c.jan.token, "jan-refused");
    push.respondWith("jan-refused", 500);
    await raise(c);
    await eventually(() => push.received("jan-refused").length === 3, 8000, "three attempts");
    let deadLetters = await server.request("GET", `/api/circles/${c.circle.id}/dead-letters`, { token: c.sofie.token });
    await eventually(() => deadLetters.body.deadLetters.length === 1, 5000, "dead letter", async () => {
      deadLetters = await server.request("GET", `/api/circles/${c.circle.id}/dead-letters`, { token: c.sofie.token });
    });
    expect(deadLetters.body.deadLetters[0]).toMatchObject({ channel: "push", error: "the push service did not accept the notification" });
    expect(deadLetters.body.deadLetters[0].error).not.toMatch(/500/);

    const d = await createAnnasCircle(server);
    await setLadder(server, d, ["jan"], 60);
    await preferences(d.jan.token, { channels: { push: true, email: false, sms: false }, phone: null, quietHours: null });
    await subscribe(d.jan.token, "jan-redirected");
    push.respondWith("jan-redirected", 307);
    await raise(d);
    await eventually(() => push.received("jan-redirected").length === 3, 8000, "three attempts, none redirected");
    await sleep(300);
    expect(push.received("jan-redirected")).toHaveLength(3);
    expect(push.hits("redirect-target")).toBe(0);
  });

  it("holds a call-me page back during quiet hours, but never an urgent Help", async () => {
    const c = await createAnnasCircle(server);
    await setLadder(server, c, ["jan"], 3600);
    // Quiet hours around now, in a zone other than the server's.
    const zone = "America/New_York";
    const local = toLocal(new Date(), zone).minuteOfDay;
    const hhmm = (m: number) => `${String(Math.floor(((m + 1440) % 1440) / 60)).padStart(2, "0")}:${String((m + 1440) % 60).padStart(2, "0")}`;
    await preferences(c.jan.token, {
      channels: { push: false, email: true, sms: false },
      phone: null,
      quietHours: { start: hhmm(local - 60), end: hhmm(local + 60), timeZone: zone },
      language: "en",
    });
    const mailsForJan = () => smtp.messages.filter((m) => JSON.stringify(m.to).includes(c.jan.user.email));

    const callMe = await raise(c, "call_me");
    await eventually(() => c.notifications.jan.length === 1, 3000, "in-app page");
    expect(c.notifications.jan[0]).toMatchObject({ alertId: callMe.id, urgent: false });
    await sleep(1000);
    expect(mailsForJan()).toHaveLength(0);
    const delayed = await worker.queues.queues.notifications.getDelayed();
    const held = delayed.find((job) => job.data.alertId === callMe.id && job.data.channel === "email");
    expect(held).toBeDefined();
    const releaseInMinutes = (held!.timestamp + (held!.opts.delay ?? 0) - Date.now()) / 60_000;
    expect(releaseInMinutes).toBeGreaterThan(55);
    expect(releaseInMinutes).toBeLessThanOrEqual(61);

    await c.sockets.marie.emitWithAck("alert:claim", { alertId: callMe.id });
    const help = await raise(c, "help");
    await eventually(() => mailsForJan().length === 1, 5000, "urgent email despite quiet hours");
    expect(mailsForJan()[0]?.text).toContain(help.id);
  });

  it("sends nothing more once the alert is claimed, even a step already queued", async () => {
    const c = await createAnnasCircle(server);
    await setLadder(server, c, ["marie"], 60);
    await preferences(c.marie.token, { channels: { push: false, email: true, sms: false }, phone: null, quietHours: null });
    await worker.stop(); // step 0 (her email) waits in the queue while no worker runs
    try {
      const alert = await raise(c);
      await c.sockets.nina.emitWithAck("alert:claim", { alertId: alert.id });
    } finally {
      worker = await startTestWorker(server, {
        config: { smtpUrl: smtp.url, smsWebhookUrl: sms.url, smsWebhookToken: sms.token, notificationAttempts: 3, notificationBackoffMs: 50 },
      });
    }
    await sleep(1500);
    // Her in-app page left with the raise itself, before the claim (the server sends the first page);
    // nothing reached her after the claim: no second notice and no email from the queued step.
    expect(c.notifications.marie).toHaveLength(1);
    expect(smtp.messages.filter((m) => JSON.stringify(m.to).includes(c.marie.user.email))).toHaveLength(0);
  });

  it("retries a failing channel with backoff, then records a dead letter coordinators can see", async () => {
    const c = await createAnnasCircle(server);
    await setLadder(server, c, ["nina"], 60);
    await preferences(c.nina.token, { channels: { push: false, email: false, sms: true }, phone: "+32470999888", quietHours: null });
    sms.respondWith(500);
    try {
      const before = sms.received.length;
      await raise(c);
      await eventually(() => sms.received.length - before === 3, 5000, "three attempts");
      let deadLetters: { body: { deadLetters: unknown[] } } = { body: { deadLetters: [] } };
      await eventually(() => deadLetters.body.deadLetters.length === 1, 5000, "dead letter", async () => {
        deadLetters = await server.request("GET", `/api/circles/${c.circle.id}/dead-letters`, { token: c.sofie.token });
      });
      expect(deadLetters.body.deadLetters[0]).toMatchObject({
        queue: "kring-notifications",
        jobName: "deliver-notification",
        circleId: c.circle.id,
        channel: "sms",
        recipientId: c.nina.user.id,
        attempts: 3,
        error: "SMS webhook answered 500",
      });
      expect((await server.request("GET", `/api/circles/${c.circle.id}/dead-letters`, { token: c.marie.token })).status).toBe(403);
      // Queue health is the operator's (issue #12): a coordinator is refused, the operator token is not.
      const health = await server.request("GET", "/api/queues/health", { token: "test-operator-token-0123456789abcdef" });
      expect(health.status).toBe(200);
      expect(health.body.queues["kring-notifications"].failed).toBeGreaterThanOrEqual(1);
      expect((await server.request("GET", "/api/queues/health", { token: c.sofie.token })).status).toBe(403);
    } finally {
      sms.respondWith(200);
    }
  });

  it("validates notification preferences and push subscriptions", async () => {
    const { token } = await server.registerUser();
    const bad = [
      { channels: { push: true, email: true, sms: true }, phone: null, quietHours: null },
      // A national number is fine since issue #9 (invitations-phones.int.test.ts); half of one is not.
      { channels: { push: true, email: true, sms: false }, phone: "0470 12", quietHours: null },
      { channels: { push: true, email: true, sms: false }, phone: null, quietHours: { start: "25:00", end: "07:00", timeZone: "Europe/Brussels" } },
      { channels: { push: true, email: true, sms: false }, phone: null, quietHours: { start: "22:00", end: "07:00", timeZone: "Mars/Olympus" } },
      { channels: { push: true }, phone: null, quietHours: null },
    ];
    for (const body of bad) {
      expect((await server.request("PUT", "/api/me/notification-preferences", { token, body })).status).toBe(400);
    }
    const defaults = await server.request("GET", "/api/me/notification-preferences", { token });
    expect(defaults.body.preferences).toEqual({ channels: { push: true, email: true, sms: false }, phone: null, quietHours: null, language: "nl" });
    expect((await server.request("POST", "/api/me/push-subscriptions", { token, body: { endpoint: "javascript:alert(1)", keys: { p256dh: "x", auth: "y" } } })).status).toBe(400);
    const key = await server.request("GET", "/api/push/vapid-public-key");
    expect(key.body.publicKey).toMatch(/^[A-Za-z0-9_-]{80,90}$/);
  });
});
