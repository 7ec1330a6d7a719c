import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { io } from "socket.io-client";
import { PASSWORD, api, uniqueEmail } from "./support/api";
import { SCREENSHOTS, describeViolations, launchBrowser, newPerson, runAxe, signIn } from "./support/browser";
import { startStack, type Stack } from "./support/stack";

// Issue #9 item 3, in real Chromium: a help alert reaches a family member who is reading the
// conversation on a phone (a banner that stays in the viewport, the tab's title), the loser of a
// claim race reads who is already on it, alert cards show their timeline and the resident's phone
// and address, which the coordinator keeps in the resident's profile (with the tablet's language).

type Person = Awaited<ReturnType<typeof newPerson>>;

jest.setTimeout(240_000);

let stack: Stack;
let browser: Browser;
const people: Person[] = [];

async function person(options: { tablet?: boolean } = {}): Promise<Person> {
  const created = await newPerson(browser, stack.appUrl, options);
  people.push(created);
  return created;
}

async function register(name: string) {
  const email = uniqueEmail(name);
  const { token, user } = await api<{ token: string; user: { id: string } }>(stack.apiUrl, "POST", "/api/auth/register", {
    body: { email, password: PASSWORD, name },
  });
  return { email, token, id: user.id };
}

/** axe-core in each language (the staff header's language switch), back to English at the end. */
async function expectNoAxeViolationsInEveryLanguage(page: Page, screen: string, ready: (page: Page) => Promise<void>): Promise<void> {
  for (const language of ["nl", "fr", "en"]) {
    await page.locator(".header-tools .language-switch select").selectOption(language);
    await page.waitForFunction((lang) => document.documentElement.lang === lang, language);
    await ready(page);
    const violations = await runAxe(page);
    if (violations.length > 0) throw new Error(`axe-core found violations on ${screen} (${language}):\n${describeViolations(violations)}`);
  }
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  stack = await startStack();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

afterEach(() => {
  for (const someone of people) {
    if (someone.errors.length > 0) throw new Error(`uncaught errors in the page: ${someone.errors.splice(0).join("; ")}`);
  }
});

test("a help alert reaches a family member reading on a phone; the race loser reads who is on it; the card shows the timeline", async () => {
  const sofie = await register("Sofie");
  const { circle } = await api<{ circle: { id: string } }>(stack.apiUrl, "POST", "/api/circles", { token: sofie.token, body: { name: "Anna's circle" } });
  const { member: anna } = await api<{ member: { userId: string } }>(stack.apiUrl, "POST", `/api/circles/${circle.id}/residents`, {
    token: sofie.token,
    body: { name: "Anna" },
  });
  const marie = await register("Marie");
  const karim = await register("Karim");
  for (const [who, role] of [
    [marie, "family"],
    [karim, "professional"],
  ] as const) {
    const { code } = await api<{ code: string }>(stack.apiUrl, "POST", `/api/circles/${circle.id}/invitations`, { token: sofie.token, body: { role } });
    await api(stack.apiUrl, "POST", `/api/invitations/${code}/accept`, { token: who.token });
  }

  // The coordinator keeps Anna's details on the members screen: a national number is accepted.
  const coordinator = await person();
  await signIn(coordinator.page, sofie.email);
  await coordinator.page.goto(`/circles/${circle.id}/members`);
  const form = coordinator.page.locator("form", { hasText: "Details of Anna" });
  await form.getByLabel("Phone number").fill("12345");
  await form.getByRole("button", { name: "Save" }).click();
  await form.getByText("This is not a phone number.", { exact: false }).waitFor();
  await form.getByLabel("Phone number").fill("0470 12 34 56");
  await form.getByLabel("Address").fill("Kerkstraat 1, 8000 Brugge");
  await form.getByLabel("Language of the tablet").selectOption("fr");
  await form.getByRole("button", { name: "Save" }).click();
  await form.getByText("Saved.").waitFor();
  await coordinator.page.getByRole("link", { name: "Call Anna: +32 470 12 34 56" }).waitFor();
  await coordinator.page.setViewportSize({ width: 360, height: 740 });
  await form.scrollIntoViewIfNeeded();
  await coordinator.page.screenshot({ path: path.join(SCREENSHOTS, "resident-profile-phone.png") });
  await coordinator.page.setViewportSize({ width: 1200, height: 900 });
  await expectNoAxeViolationsInEveryLanguage(coordinator.page, "members with the resident's details", (p) =>
    p.locator(".resident-profile-form").waitFor(),
  );

  // The tablet speaks the profile's language and carries no language switch.
  const { code: pairingCode } = await api<{ code: string }>(stack.apiUrl, "POST", `/api/circles/${circle.id}/residents/${anna.userId}/pairing-codes`, {
    token: sofie.token,
  });
  const tablet = await person({ tablet: true });
  await tablet.page.goto("/pair");
  await tablet.page.getByLabel("Pairing code", { exact: true }).fill(pairingCode);
  await tablet.page.getByRole("button", { name: "Connect", exact: true }).click();
  await tablet.page.getByRole("button", { name: "J'ai besoin d'aide", exact: true }).waitFor();
  expect(await tablet.page.locator("select").count()).toBe(0);

  // A conversation long enough to scroll on a phone.
  const seeder = io(stack.apiUrl, { auth: { token: sofie.token }, transports: ["websocket"], forceNew: true });
  await new Promise<void>((resolve, reject) => {
    seeder.once("connect", () => resolve());
    seeder.once("connect_error", reject);
  });
  for (let i = 1; i <= 24; i += 1) {
    await seeder.emitWithAck("message:send", { circleId: circle.id, clientId: `seed-${i}`, body: `Visit plan, line ${i}: who brings the groceries this week?` });
  }
  seeder.disconnect();

  // Marie reads the conversation on a phone. Her browser can be told to miss alert updates, to
  // stage the claim race deterministically (she clicks "I'm on it" before she hears of Karim's).
  let isDroppingAlertUpdates = false;
  const family = await person();
  await family.page.routeWebSocket(/\/socket\.io\//, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((message) => server.send(message));
    server.onMessage((message) => {
      if (isDroppingAlertUpdates && typeof message === "string" && message.startsWith('42["alert:update"')) return;
      ws.send(message);
    });
  });
  await family.page.setViewportSize({ width: 360, height: 740 });
  await signIn(family.page, marie.email);
  // She turns the alert sound on for this phone (the tap is also the gesture browsers need before
  // a page may play sound); system notifications are asked for from a button, never on load.
  await family.page.goto("/notifications");
  const device = family.page.locator("section", { hasText: "Urgent alerts on this device" });
  await device.getByRole("button", { name: "Allow system notifications" }).waitFor();
  await device.getByLabel("Play a short sound for urgent alerts").check();
  await family.page.waitForFunction(() => document.documentElement.dataset.alertTones === "1");
  await expectNoAxeViolationsInEveryLanguage(family.page, "notifications with the device section", (p) =>
    p.locator("section", { has: p.locator('input[type="checkbox"]:checked') }).first().waitFor(),
  );
  // In-app navigation (as a link does): a reload would need a new gesture before sound may play.
  await family.page.evaluate((target) => {
    history.pushState(null, "", target);
    dispatchEvent(new PopStateEvent("popstate"));
  }, `/circles/${circle.id}`);
  await family.page.getByText("Visit plan, line 24", { exact: false }).waitFor();
  await family.page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight / 2));
  const scrolledTo = await family.page.evaluate(() => window.scrollY);
  expect(scrolledTo).toBeGreaterThan(300);
  const titleBefore = await family.page.title();

  const professional = await person();
  await signIn(professional.page, karim.email);
  await professional.page.goto("/alerts");
  await professional.page.getByRole("heading", { name: "Alerts", level: 1 }).waitFor();

  await tablet.page.getByRole("button", { name: "J'ai besoin d'aide", exact: true }).click();

  // The banner is in Marie's viewport while she is scrolled into the conversation.
  const banner = family.page.locator(".alert-banner");
  await banner.getByText("Help: Anna").waitFor();
  expect(await family.page.evaluate(() => window.scrollY)).toBeGreaterThan(300);
  const box = await banner.boundingBox();
  expect(box).not.toBeNull();
  expect(box!.y).toBeGreaterThanOrEqual(0);
  expect(box!.y + box!.height).toBeLessThanOrEqual(740);
  expect(box!.width).toBeLessThanOrEqual(360);
  // It does not cover the message box.
  const composer = await family.page.locator(".composer").boundingBox();
  if (composer) expect(box!.y + box!.height).toBeLessThanOrEqual(composer.y);
  await banner.getByRole("link", { name: "Call Anna: +32 470 12 34 56" }).waitFor();
  expect(await banner.getByRole("link", { name: /^Call Anna/ }).getAttribute("href")).toBe("tel:+32470123456");
  expect(await family.page.title()).toBe("(!) Help: Anna — Kring");
  // The short tone played (WebAudio, no file).
  await family.page.waitForFunction(() => document.documentElement.dataset.alertTones === "2");
  expect(await family.page.locator('[role="alert"] .alert-banner').count()).toBe(1);
  await family.page.screenshot({ path: path.join(SCREENSHOTS, "alert-banner-phone.png") });
  await expectNoAxeViolationsInEveryLanguage(family.page, "conversation with the alert banner (phone)", (p) =>
    p.locator(".alert-banner").waitFor(),
  );

  // The line in the conversation.
  await family.page.locator(".message-system", { hasText: "Anna pressed Help at" }).waitFor({ state: "attached" });

  // The race: Karim takes it first; Marie, who has not heard yet, is told who is on it.
  isDroppingAlertUpdates = true;
  const karimCard = professional.page.locator("article", { hasText: "Help requested" }).first();
  await karimCard.getByRole("button", { name: "I'm on it" }).click();
  await karimCard.getByText("You are on it").waitFor();
  const marieCard = family.page.locator(".active-alerts article").first();
  await marieCard.getByRole("button", { name: "I'm on it" }).click();
  await marieCard.getByText("Karim is already on it.").waitFor();
  // Claiming (or trying to) counts as seen: the banner is gone and the title is back.
  await banner.waitFor({ state: "detached" });
  expect(await family.page.title()).toBe(titleBefore);
  isDroppingAlertUpdates = false;

  // The timeline: raised, paged, claimed, resolved — by whom and when.
  await karimCard.getByLabel("Note (optional)").fill("She had dropped the phone; all well.");
  await karimCard.getByRole("button", { name: "Mark as resolved" }).click();
  const timeline = karimCard.locator(".alert-timeline");
  await timeline.getByText("Resolved by Karim").waitFor();
  const entries = await timeline.locator("li").allTextContents();
  expect(entries.join("\n")).toMatch(/Raised by Anna/);
  expect(entries.join("\n")).toMatch(/Marie was called/);
  expect(entries.join("\n")).toMatch(/Taken on by Karim/);
  expect(entries.every((entry) => /\d{1,2}:\d{2}/.test(entry))).toBe(true);
  await karimCard.getByRole("link", { name: "Call Anna: +32 470 12 34 56" }).waitFor();
  await professional.page.screenshot({ path: path.join(SCREENSHOTS, "alert-timeline.png"), fullPage: true });
  await expectNoAxeViolationsInEveryLanguage(professional.page, "alert inbox with the timeline", (p) => p.locator(".alert-timeline").first().waitFor());

  await family.page.locator(".message-system", { hasText: "Resolved by Karim at" }).waitFor({ state: "attached" });
  await tablet.page.locator(".message-system", { hasText: "Réglé par Karim" }).waitFor();
  await tablet.page.locator(".message-system").last().scrollIntoViewIfNeeded();
  await tablet.page.screenshot({ path: path.join(SCREENSHOTS, "resident-alert-lines.png") });
});
