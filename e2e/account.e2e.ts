import { startMailCatcher } from "@kring/devstack";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { io } from "socket.io-client";
import { PASSWORD, api, uniqueEmail } from "./support/api";
import { SCREENSHOTS, describeViolations, launchBrowser, newPerson, runAxe, scrollsSideways, signIn } from "./support/browser";
import { startStack, type Stack } from "./support/stack";
import { pairTablet } from "./support/tablet";

// Issue #11 in real Chromium, on a 360 px phone: the account page (change the password, sign out
// everywhere else), "Forgot password?" with the link the worker mails (read from a real SMTP
// catcher), and leaving a circle behind a confirmation that says what happens.

jest.setTimeout(240_000);

let stack: Stack;
let browser: Browser;
let mail: Awaited<ReturnType<typeof startMailCatcher>>;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  mail = await startMailCatcher({ smtpPort: 0, webPort: 0 });
  stack = await startStack({ smtpUrl: mail.smtpUrl });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await mail?.stop();
});

async function phone() {
  const person = await newPerson(browser, stack.appUrl);
  await person.page.setViewportSize({ width: 360, height: 740 });
  return person;
}

async function expectAccessible(page: Page, screen: string): Promise<void> {
  const violations = await runAxe(page);
  if (violations.length > 0) throw new Error(`axe-core found violations on ${screen}:\n${describeViolations(violations)}`);
  expect(await scrollsSideways(page)).toBe(false);
}

test("change the password, reset it by the mailed link, and leave a circle, on a phone", async () => {
  const sofieEmail = uniqueEmail("sofie");
  const sofie = await api<{ token: string }>(stack.apiUrl, "POST", "/api/auth/register", { body: { email: sofieEmail, password: PASSWORD, name: "Sofie" } });
  const { circle } = await api<{ circle: { id: string } }>(stack.apiUrl, "POST", "/api/circles", { token: sofie.token, body: { name: "Anna's circle" } });
  const marieEmail = uniqueEmail("marie");
  const marie = await api<{ token: string; deviceToken: string }>(stack.apiUrl, "POST", "/api/auth/register", {
    body: { email: marieEmail, password: PASSWORD, name: "Marie Peeters" },
  });
  const { code } = await api<{ code: string }>(stack.apiUrl, "POST", `/api/circles/${circle.id}/invitations`, { token: sofie.token, body: { role: "family" } });
  await api(stack.apiUrl, "POST", `/api/invitations/${code}/accept`, { token: marie.token });

  const { page, errors } = await phone();
  await signIn(page, marieEmail, PASSWORD);

  // The account page, reached from the notifications screen on a phone (the header has no room).
  await page.getByRole("link", { name: "Notifications" }).click();
  await page.getByRole("link", { name: "My account" }).click();
  await page.getByRole("heading", { name: "My account", level: 1 }).waitFor();
  for (const language of ["nl", "fr", "en"]) {
    await page.locator(".header-tools .language-switch select").selectOption(language);
    await page.waitForFunction((lang) => document.documentElement.lang === lang, language);
    await expectAccessible(page, `the account page (${language})`);
  }
  await page.screenshot({ path: path.join(SCREENSHOTS, "account.png"), fullPage: true });

  // A wrong current password is refused in words; the right one changes it and ends the other session.
  await page.getByLabel("Current password").fill("not my password at all");
  await page.getByLabel("New password (at least 10 characters)").fill("a changed password");
  await page.getByRole("button", { name: "Change password" }).click();
  await page.getByRole("alert").filter({ hasText: "The current password is not right." }).waitFor();
  await page.getByLabel("Current password").fill(PASSWORD);
  await page.getByRole("button", { name: "Change password" }).click();
  await page.getByText("Your password is changed. Your other devices are signed out.").waitFor();
  const renewed = await fetch(`${stack.apiUrl}/api/auth/device-token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ deviceToken: marie.deviceToken }),
  });
  expect(renewed.status).toBe(401);

  await page.getByRole("button", { name: "Sign out everywhere else" }).click();
  await page.getByText("All your other devices are signed out.").waitFor();

  // Forgot it after all: sign out, ask for a link, open the mailed link, choose a new one.
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await page.getByRole("button", { name: "Forgot password?" }).click();
  await page.getByRole("region", { name: "Reset your password" }).getByLabel("Email").fill(marieEmail);
  await page.getByRole("button", { name: "Send the link" }).click();
  await page.getByText("If this address has a Kring account, a link is on its way.").waitFor();
  await expectAccessible(page, "the sign-in screen with the reset request");
  const deadline = Date.now() + 15_000;
  while (!mail.mails.some((m) => m.to.includes(marieEmail)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
  const resetMail = mail.mails.find((m) => m.to.includes(marieEmail));
  expect(resetMail?.subject).toBe("Choose a new Kring password");
  const link = /https?:\/\/\S+\/reset-password\/[\w-]{43}/.exec(resetMail?.text ?? "")?.[0];
  expect(link).toBeDefined();
  await page.goto(new URL(link!).pathname);
  await page.getByRole("heading", { name: "Choose a new password" }).waitFor();
  await expectAccessible(page, "the reset screen");
  await page.getByLabel("New password (at least 10 characters)").fill("the password after the reset");
  await page.getByRole("button", { name: "Save the new password" }).click();
  await page.getByText("Your password is changed and all devices are signed out.").waitFor();
  await page.getByRole("link", { name: "Back to sign in" }).click();
  await page.getByLabel("Email", { exact: true }).fill(marieEmail);
  await page.getByLabel("Password", { exact: true }).fill("the password after the reset");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  // Signed out on the account page, so that is where signing in returns to.
  await page.getByRole("heading", { name: "My account", level: 1 }).waitFor();
  await page.getByRole("link", { name: "Circles" }).click();

  // Leave the circle: the confirmation says what happens, and the circle is gone from the list.
  await page.getByRole("link", { name: /Anna's circle/ }).click();
  await page.getByRole("link", { name: "Members" }).click();
  await page.getByRole("button", { name: "Leave this circle" }).click();
  await page.getByText("What you wrote stays in the conversation.").waitFor();
  await expectAccessible(page, "the leave confirmation");
  await page.getByRole("button", { name: "Yes, leave this circle" }).click();
  await page.getByRole("heading", { name: "Your circles" }).waitFor();
  await page.getByText("Anna's circle").waitFor({ state: "detached" });
  const members = await api<{ members: Array<{ name: string }> }>(stack.apiUrl, "GET", `/api/circles/${circle.id}/members`, { token: sofie.token });
  expect(members.members.map((m) => m.name)).toEqual(["Sofie"]);
  expect(errors).toEqual([]);
});

test("a coordinator removes a member after a confirmation that says what happens", async () => {
  const sofieEmail = uniqueEmail("sofie");
  const sofie = await api<{ token: string }>(stack.apiUrl, "POST", "/api/auth/register", { body: { email: sofieEmail, password: PASSWORD, name: "Sofie" } });
  const { circle } = await api<{ circle: { id: string } }>(stack.apiUrl, "POST", "/api/circles", { token: sofie.token, body: { name: "Jan's circle" } });
  const karim = await api<{ token: string }>(stack.apiUrl, "POST", "/api/auth/register", {
    body: { email: uniqueEmail("karim"), password: PASSWORD, name: "Karim" },
  });
  const { code } = await api<{ code: string }>(stack.apiUrl, "POST", `/api/circles/${circle.id}/invitations`, { token: sofie.token, body: { role: "professional" } });
  await api(stack.apiUrl, "POST", `/api/invitations/${code}/accept`, { token: karim.token });

  const { page, errors } = await phone();
  await signIn(page, sofieEmail, PASSWORD);
  await page.goto(`/circles/${circle.id}/members`);
  await page.getByRole("button", { name: "Remove Karim" }).click();
  await page.getByText("Karim will no longer see its messages, alerts or members").waitFor();
  await expectAccessible(page, "the remove confirmation");
  await page.getByRole("button", { name: "Yes, remove Karim" }).click();
  await page.getByRole("button", { name: "Remove Karim" }).waitFor({ state: "detached" });
  // The last coordinator cannot leave: the page says why.
  await page.getByRole("button", { name: "Leave this circle" }).click();
  await page.getByRole("button", { name: "Yes, leave this circle" }).click();
  await page.getByRole("alert").filter({ hasText: "A circle always keeps at least one coordinator." }).waitFor();
  const members = await api<{ members: Array<{ name: string }> }>(stack.apiUrl, "GET", `/api/circles/${circle.id}/members`, { token: sofie.token });
  expect(members.members.map((m) => m.name)).toEqual(["Sofie"]);
  expect(errors).toEqual([]);
});

test("the tablet keeps the name of someone who left on what they wrote", async () => {
  const sofie = await api<{ token: string }>(stack.apiUrl, "POST", "/api/auth/register", {
    body: { email: uniqueEmail("sofie"), password: PASSWORD, name: "Sofie" },
  });
  const { circle } = await api<{ circle: { id: string } }>(stack.apiUrl, "POST", "/api/circles", { token: sofie.token, body: { name: "Anna's circle" } });
  const karim = await api<{ token: string; user: { id: string } }>(stack.apiUrl, "POST", "/api/auth/register", {
    body: { email: uniqueEmail("karim"), password: PASSWORD, name: "Karim" },
  });
  const { code: invitation } = await api<{ code: string }>(stack.apiUrl, "POST", `/api/circles/${circle.id}/invitations`, { token: sofie.token, body: { role: "family" } });
  await api(stack.apiUrl, "POST", `/api/invitations/${invitation}/accept`, { token: karim.token });
  const karimSocket = io(stack.apiUrl, { auth: { token: karim.token }, transports: ["websocket"] });
  try {
    const sent = (await karimSocket.timeout(10_000).emitWithAck("message:send", { circleId: circle.id, clientId: "before-leaving", body: "I'll bring the soup on Sunday" })) as { ok: boolean };
    expect(sent.ok).toBe(true);
  } finally {
    karimSocket.disconnect();
  }
  const { tablet } = await pairTablet(browser, stack, sofie.token, circle.id);
  // Karim writes, then leaves the circle.
  await tablet.page.getByText("I'll bring the soup on Sunday").waitFor();
  await api(stack.apiUrl, "DELETE", `/api/circles/${circle.id}/members/${karim.user.id}`, { token: karim.token });
  await tablet.page.reload();
  await tablet.page.getByText("I'll bring the soup on Sunday").waitFor();
  const line = tablet.page.getByRole("listitem").filter({ hasText: "I'll bring the soup on Sunday" });
  await line.getByText("Karim", { exact: true }).waitFor();
  expect(await line.textContent()).not.toContain("Someone");
  expect(tablet.errors).toEqual([]);
});
