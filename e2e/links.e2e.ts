import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { io } from "socket.io-client";
import { PASSWORD, api, uniqueEmail } from "./support/api";
import { SCREENSHOTS, describeViolations, launchBrowser, newPerson, runAxe, scrollsSideways } from "./support/browser";
import { startStack, type Stack } from "./support/stack";

// Issue #9 items 4, 7 and 8 in real Chromium: links Kring sends open their screen after signing
// in, unknown paths say "Page not found", invitations are listed and withdrawn, the phone header
// is compact, and the changed screens pass axe-core in Dutch, French and English.

jest.setTimeout(180_000);

type Person = Awaited<ReturnType<typeof newPerson>>;
type Account = { email: string; token: string; userId: string };

let stack: Stack;
let browser: Browser;
const people: Person[] = [];
let sofie: Account;
let marie: Account;
let circleId = "";
let alertId = "";

async function screenshot(page: Page, name: string, fullPage = false): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage });
}

async function register(name: string): Promise<Account> {
  const email = uniqueEmail(name);
  const { token, user } = await api<{ token: string; user: { id: string } }>(stack.apiUrl, "POST", "/api/auth/register", {
    body: { name, email, password: PASSWORD },
  });
  return { email, token, userId: user.id };
}

async function person(options: { phone?: boolean } = {}): Promise<Person> {
  const created = await newPerson(browser, stack.appUrl);
  if (options.phone) await created.page.setViewportSize({ width: 360, height: 740 });
  people.push(created);
  return created;
}

async function signIn(page: Page, email: string): Promise<void> {
  await page.getByRole("heading", { name: "Sign in to Kring" }).waitFor();
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

async function setLanguage(page: Page, language: "nl" | "fr" | "en"): Promise<void> {
  await page.locator(".header-tools select").selectOption(language);
  await page.waitForFunction((lang) => document.documentElement.lang === lang, language);
}

async function expectNoAxeViolations(page: Page, screen: string): Promise<void> {
  for (const language of ["nl", "fr", "en"] as const) {
    await setLanguage(page, language);
    const violations = await runAxe(page);
    if (violations.length > 0) throw new Error(`axe-core found violations on ${screen} (${language}):\n${describeViolations(violations)}`);
  }
}

/** In-app navigation (as a click on a link does). */
async function visit(page: Page, to: string): Promise<void> {
  await page.evaluate((target) => {
    history.pushState(null, "", target);
    dispatchEvent(new PopStateEvent("popstate"));
  }, to);
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  stack = await startStack();
  browser = await launchBrowser();

  // Setup over the API: Sofie coordinates Anna's circle, Marie is family, Anna's tablet asks for help.
  sofie = await register("Sofie");
  marie = await register("Marie");
  ({
    circle: { id: circleId },
  } = await api<{ circle: { id: string } }>(stack.apiUrl, "POST", "/api/circles", { token: sofie.token, body: { name: "Anna's circle" } }));
  const invitation = await api<{ code: string }>(stack.apiUrl, "POST", `/api/circles/${circleId}/invitations`, { token: sofie.token, body: { role: "family" } });
  await api(stack.apiUrl, "POST", `/api/invitations/${invitation.code}/accept`, { token: marie.token });
  const { member } = await api<{ member: { userId: string } }>(stack.apiUrl, "POST", `/api/circles/${circleId}/residents`, {
    token: sofie.token,
    body: { name: "Anna" },
  });
  const pairing = await api<{ code: string }>(stack.apiUrl, "POST", `/api/circles/${circleId}/residents/${member.userId}/pairing-codes`, { token: sofie.token });
  const tablet = await api<{ token: string }>(stack.apiUrl, "POST", "/api/devices/pair", { body: { code: pairing.code, deviceName: "Anna's tablet" } });
  const socket = io(stack.apiUrl, { auth: { token: tablet.token }, transports: ["websocket"], reconnection: false });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("connect_error", reject);
    });
    const ack = (await socket.timeout(10_000).emitWithAck("alert:raise", { circleId, kind: "help", clientId: "e2e-help" })) as {
      ok: boolean;
      alert: { id: string };
    };
    expect(ack.ok).toBe(true);
    alertId = ack.alert.id;
  } finally {
    socket.disconnect();
  }
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

afterEach(() => {
  for (const someone of people) {
    const errors = someone.errors.splice(0);
    if (errors.length > 0) throw new Error(`uncaught errors in the page: ${errors.join("; ")}`);
  }
});

test("an alert email's link opened while signed out leads, after signing in, to that alert", async () => {
  // The link the email channel builds: `${APP_URL}/circles/<circle>/alerts/<alert>` (channels.int.test.ts).
  const link = `${stack.appUrl}/circles/${circleId}/alerts/${alertId}`;
  const { page } = await person({ phone: true });
  await page.goto(link);
  await signIn(page, marie.email);
  await page.getByRole("heading", { level: 1, name: "Alert" }).waitFor();
  expect(new URL(page.url()).pathname).toBe(`/circles/${circleId}/alerts/${alertId}`);
  await page.getByRole("button", { name: "I'm on it" }).waitFor();
  await screenshot(page, "deep-link-alert-phone");
  expect(await scrollsSideways(page)).toBe(false);
  await expectNoAxeViolations(page, "the alert screen");
});

test("an invitation link opened while signed out survives creating an account, then shows what it is for", async () => {
  const invitation = await api<{ code: string; url: string }>(stack.apiUrl, "POST", `/api/circles/${circleId}/invitations`, {
    token: sofie.token,
    body: { role: "family" },
  });
  expect(invitation.url).toBe(`${stack.apiUrl}/join/${invitation.code}`);
  const { page } = await person();
  await page.goto(new URL(invitation.url).pathname);
  await page.getByRole("heading", { name: "Sign in to Kring" }).waitFor();
  await page.getByRole("link", { name: "Create account" }).click();
  await page.getByLabel("Name", { exact: true }).fill("Jan");
  await page.getByLabel("Email", { exact: true }).fill(uniqueEmail("jan"));
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Create account", exact: true }).click();
  await page.getByText(`"Anna's circle" invites you as Family.`, { exact: false }).waitFor();
  expect(new URL(page.url()).pathname).toBe(`/join/${invitation.code}`);
  await page.getByRole("button", { name: "Join Anna's circle" }).click();
  await page.getByRole("heading", { name: "Anna's circle" }).waitFor();
});

test("an unknown path says 'Page not found' with a way home, signed out and signed in", async () => {
  const { page } = await person({ phone: true });
  await page.goto("/no-such-page");
  await page.getByRole("heading", { level: 1, name: "Page not found" }).waitFor();
  await screenshot(page, "not-found-signed-out");
  await page.getByRole("link", { name: "Go to the start page" }).click();
  await signIn(page, marie.email);
  await page.getByRole("heading", { name: "Your circles" }).waitFor();

  await visit(page, `/circles/${circleId}/nothing-here`);
  await page.getByRole("heading", { level: 1, name: "Page not found" }).waitFor();
  await screenshot(page, "not-found-signed-in-phone");
  await expectNoAxeViolations(page, "page not found");
  await setLanguage(page, "nl");
  await page.getByRole("heading", { level: 1, name: "Pagina niet gevonden" }).waitFor();
  await page.getByRole("link", { name: "Naar de startpagina" }).click();
  await page.getByRole("heading", { name: "Uw kringen" }).waitFor();
});

test("the coordinator sees pending invitations with role and expiry, copies a link and withdraws one; the phone header stays compact", async () => {
  const { page, context } = await person({ phone: true });
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.goto(`/circles/${circleId}/members`);
  await signIn(page, sofie.email);
  await page.getByRole("heading", { name: "Invite someone" }).waitFor();

  // The header on a 360 × 740 phone: two rows, at most about 100 px, in every language
  // ("Se déconnecter" is the longest button).
  for (const language of ["fr", "nl", "en"] as const) {
    await setLanguage(page, language);
    await screenshot(page, `header-phone-${language}`);
    const header = await page.locator(".staff-header").boundingBox();
    expect({ language, height: header?.height }).toEqual({ language, height: expect.any(Number) });
    expect(header!.height).toBeLessThanOrEqual(100);
  }

  // The invitation Marie used is gone from the list; the one Jan used too.
  await page.getByText("No open invitations.").waitFor();
  await page.getByLabel("Role of the new member").selectOption("professional");
  await page.getByRole("button", { name: "Create invitation code" }).click();
  await page.getByRole("button", { name: "Copy link (Care professional)" }).waitFor();
  await page.getByLabel("Role of the new member").selectOption("family");
  await page.getByRole("button", { name: "Create invitation code" }).click();
  // A second code joins the list instead of replacing the first.
  await page.getByRole("button", { name: "Copy link (Family)" }).waitFor();
  expect(await page.locator(".invitation").count()).toBe(2);

  await page.getByRole("button", { name: "Copy link (Family)" }).click();
  await page.getByText("Link copied.", { exact: false }).waitFor();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toMatch(new RegExp(`/join/[A-Z2-9]{16}$`));
  await screenshot(page, "invitations-phone", true);
  expect(await scrollsSideways(page)).toBe(false);

  await page.getByRole("button", { name: "Withdraw (Care professional)" }).click();
  await page.getByText("The invitation (Care professional) was withdrawn.").waitFor();
  expect(await page.locator(".invitation").count()).toBe(1);
  const listed = await api<{ invitations: { role: string }[] }>(stack.apiUrl, "GET", `/api/circles/${circleId}/invitations`, { token: sofie.token });
  expect(listed.invitations.map((i) => i.role)).toEqual(["family"]);
  await expectNoAxeViolations(page, "the members screen with invitations");

  await page.setViewportSize({ width: 1024, height: 768 });
  await setLanguage(page, "en");
  await screenshot(page, "invitations-tablet", true);
});

test("circle settings show time zones by city and country and the ladder in minutes", async () => {
  const { page } = await person();
  await page.goto(`/circles/${circleId}/settings`);
  await signIn(page, sofie.email);
  await page.getByLabel("Minutes to wait before calling the next person").waitFor();
  expect(await page.getByLabel("Minutes to wait before calling the next person").inputValue()).toBe("2");
  // By its values, not its label: the label changes with the language below.
  const zone = page.locator('select:has(option[value="Europe/Brussels"])');
  expect(await zone.locator("option:checked").textContent()).toBe("Brussels (Belgium)");
  await setLanguage(page, "nl");
  expect(await zone.locator("option:checked").textContent()).toBe("Brussel (België)");
  await setLanguage(page, "fr");
  expect(await zone.locator("option:checked").textContent()).toBe("Bruxelles (Belgique)");
  await setLanguage(page, "en");

  await page.getByLabel("Minutes to wait before calling the next person").fill("5");
  await page.getByRole("button", { name: "Save order" }).click();
  await page.getByText("Saved.").first().waitFor();
  const { escalation } = await api<{ escalation: { stepSeconds: number } }>(stack.apiUrl, "GET", `/api/circles/${circleId}/escalation`, {
    token: sofie.token,
  });
  expect(escalation.stepSeconds).toBe(300);
  await screenshot(page, "circle-settings-tablet", true);
  await expectNoAxeViolations(page, "circle settings");
});
