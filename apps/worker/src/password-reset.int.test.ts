import { eventually, startTestServer, type TestServer } from "@kring/server/testing";
import { startSmtpCatcher } from "./testing/channel-servers";
import { startTestWorker, type TestWorker } from "./testing/worker-harness";

// Issue #11 item 7: a password reset by a mailed link: single use, 30 minutes, every session ends.

let server: TestServer;
let worker: TestWorker;
let smtp: Awaited<ReturnType<typeof startSmtpCatcher>>;
let clock = Date.now();

beforeAll(async () => {
  smtp = await startSmtpCatcher();
  server = await startTestServer({ now: () => new Date(clock) });
  worker = await startTestWorker(server, { config: { smtpUrl: smtp.url } });
});
afterAll(async () => {
  await worker.stop();
  await server.stop();
  await smtp.stop();
});

const mailTo = (address: string) => smtp.messages.filter((m) => JSON.stringify(m.to).includes(address));
const tokenIn = (text: string) => /\/reset-password\/([A-Za-z0-9_-]{43})/.exec(text)?.[1];

describe("a password reset by email", () => {
  it("mails a single-use link in the account's language that sets a new password and ends every session", async () => {
    const { token, user } = await server.registerUser("Marie");
    await server.request("PATCH", "/api/me", { token, body: { language: "nl" } });
    const socket = await server.connect(token);
    const disconnected = new Promise<void>((resolve) => socket.once("disconnect", () => resolve()));

    expect((await server.request("POST", "/api/auth/password-reset", { body: { email: user.email.toUpperCase() } })).status).toBe(202);
    await eventually(() => mailTo(user.email).length === 1, 5000, "the reset mail");
    const mail = mailTo(user.email)[0]!;
    expect(mail.subject).toBe("Kies een nieuw wachtwoord voor Kring");
    const resetToken = tokenIn(mail.text ?? "");
    expect(resetToken).toBeDefined();
    expect(mail.text).toContain(`http://localhost:4000/reset-password/${resetToken}`);

    const confirmed = await server.request("POST", "/api/auth/password-reset/confirm", { body: { token: resetToken, newPassword: "a brand new password" } });
    expect(confirmed.status).toBe(204);
    await disconnected;
    expect((await server.request("GET", "/api/me", { token })).status).toBe(401);
    expect((await server.request("POST", "/api/auth/login", { body: { email: user.email, password: "a brand new password" } })).status).toBe(200);
    // Single use.
    const again = await server.request("POST", "/api/auth/password-reset/confirm", { body: { token: resetToken, newPassword: "yet another password" } });
    expect([again.status, again.body.error.code]).toEqual([410, "gone"]);
  });

  it("sends nothing for an address without an account, and the link expires after 30 minutes", async () => {
    expect((await server.request("POST", "/api/auth/password-reset", { body: { email: "nobody@example.test" } })).status).toBe(202);
    const { user } = await server.registerUser("Karim");
    expect((await server.request("POST", "/api/auth/password-reset", { body: { email: user.email } })).status).toBe(202);
    await eventually(() => mailTo(user.email).length === 1, 5000, "the reset mail");
    expect(mailTo("nobody@example.test")).toEqual([]);
    const resetToken = tokenIn(mailTo(user.email)[0]!.text ?? "");
    clock += 31 * 60_000;
    const late = await server.request("POST", "/api/auth/password-reset/confirm", { body: { token: resetToken, newPassword: "a brand new password" } });
    expect([late.status, late.body.error.code]).toEqual([410, "gone"]);
    expect((await server.request("POST", "/api/auth/login", { body: { email: user.email, password: "correct horse battery" } })).status).toBe(200);
  });
});
