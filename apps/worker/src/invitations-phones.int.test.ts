import { eventually, startTestServer, type TestServer } from "@kring/server/testing";
import { startSmsWebhook, startSmtpCatcher } from "./testing/channel-servers";
import { createAnnasCircle, raise, setLadder } from "./testing/circle-fixture";
import { startTestWorker, type TestWorker } from "./testing/worker-harness";

// Issue #9 items 7 and 8: an invitation mailed from Kring, and phone numbers typed the way people do.

let server: TestServer;
let worker: TestWorker;
let smtp: Awaited<ReturnType<typeof startSmtpCatcher>>;
let sms: Awaited<ReturnType<typeof startSmsWebhook>>;

beforeAll(async () => {
  [smtp, sms] = await Promise.all([startSmtpCatcher(), startSmsWebhook()]);
  server = await startTestServer();
  worker = await startTestWorker(server, { config: { smtpUrl: smtp.url, smsWebhookUrl: sms.url, smsWebhookToken: sms.token } });
});
afterAll(async () => {
  await worker.stop();
  await server.stop();
  await Promise.all([smtp.stop(), sms.stop()]);
});

describe("an invitation sent by email", () => {
  it("reaches the mailbox with the join link, in the language asked, and nothing about the circle", async () => {
    const sofie = await server.registerUser("Sofie");
    const circle = await server.createCircle(sofie.token, "Anna Peeters (dementie)");
    const invite = await server.request("POST", `/api/circles/${circle.id}/invitations`, { token: sofie.token, body: { role: "family" } });
    const sent = await server.request("POST", `/api/circles/${circle.id}/invitations/${invite.body.code}/email`, {
      token: sofie.token,
      body: { email: "Marie@Example.test", language: "nl" },
    });
    expect(sent.status).toBe(202);

    await eventually(() => smtp.messages.some((m) => JSON.stringify(m.to).includes("marie@example.test")), 5000, "the invitation mail");
    const mail = smtp.messages.find((m) => JSON.stringify(m.to).includes("marie@example.test"))!;
    expect(mail.subject).toBe("Sofie nodigt u uit voor Kring");
    expect(mail.text).toContain(`http://localhost:4000/join/${invite.body.code}`);
    expect(mail.text).toContain("familielid");
    expect(mail.text).not.toContain("Anna");
    expect(mail.text).not.toContain("dementie");
  });
});

describe("phone numbers for text messages", () => {
  const put = (token: string, phone: string | null, extra: object = {}) =>
    server.request("PUT", "/api/me/notification-preferences", {
      token,
      body: { channels: { push: false, email: false, sms: phone !== null }, phone, quietHours: null, ...extra },
    });

  it("accepts a Belgian number as people write it, stores E.164 and texts that number", async () => {
    const c = await createAnnasCircle(server);
    for (const typed of ["0470 12 34 56", "0470/12.34.56", "+32 470 12 34 56", "0032470123456"]) {
      const res = await put(c.marie.token, typed);
      expect({ typed, status: res.status, phone: res.body.preferences?.phone }).toEqual({ typed, status: 200, phone: "+32470123456" });
    }
    await setLadder(server, c, ["marie"], 60);
    await raise(c, "help");
    await eventually(() => sms.messages().some((m) => m.to === "+32470123456"), 5000, "the text message");
  });

  it("reads a national number in the circle's country, or in the country the client names", async () => {
    const sofie = await server.registerUser("Sofie");
    const circle = await server.createCircle(sofie.token, "Mamie");
    const schedule = await server.request("PUT", `/api/circles/${circle.id}/checkin-schedule`, {
      token: sofie.token,
      body: { enabled: false, deadline: "10:00", timeZone: "Europe/Paris" },
    });
    expect(schedule.status).toBe(200);
    expect((await put(sofie.token, "06 12 34 56 78")).body.preferences.phone).toBe("+33612345678");
    expect((await put(sofie.token, "06 12345678", { phoneCountry: "NL" })).body.preferences.phone).toBe("+31612345678");
  });

  it("refuses what is not a phone number with validation_failed and a message that says how to type it", async () => {
    const { token } = await server.registerUser();
    for (const garbage of ["banana", "0470 12", "12345678901234567890", "+32 470 12 34 56 78 90"]) {
      const res = await put(token, garbage);
      expect({ garbage, status: res.status, code: res.body.error?.code }).toEqual({ garbage, status: 400, code: "validation_failed" });
      expect(res.body.error.message).toMatch(/0470 12 34 56/);
    }
    expect((await put(token, "0470123456", { phoneCountry: "be" })).status).toBe(400);
    // No number and no SMS is fine; SMS without a number is not.
    expect((await put(token, null)).status).toBe(200);
    const noNumber = await server.request("PUT", "/api/me/notification-preferences", {
      token,
      body: { channels: { push: false, email: false, sms: true }, phone: "", quietHours: null },
    });
    expect(noNumber.status).toBe(400);
  });
});
