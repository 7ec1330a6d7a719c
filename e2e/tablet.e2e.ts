import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { PASSWORD, api, uniqueEmail } from "./support/api";
import { SCREENSHOTS, expectNoAxeViolations, launchBrowser, newPerson } from "./support/browser";
import { REPO_ROOT, startStack, type Stack } from "./support/stack";
import { pairTablet } from "./support/tablet";

// Issue #9 items 1 and 2 in a real browser: the tablet tells the truth about its connection and
// about a Help pressed offline, sends that Help exactly once when it is back, can cancel a mistaken
// press, and remembers "I'm OK" across a reload; family and staff see today's check-in.

jest.setTimeout(180_000);

type Person = Awaited<ReturnType<typeof newPerson>>;
type Alert = { id: string; clientId: string | null; status: string; note: string | null };

let stack: Stack;
let browser: Browser;
let tablet: Person;
let coordinatorToken = "";
let coordinatorEmail = "";
let circleId = "";

/** Pictures to look at after a run, never for the README. */
const LOOK_ONLY = path.join(REPO_ROOT, ".cache", "screenshots");
const OFFLINE_HELP = "No connection. Your help call will go out as soon as the tablet is back online. If it is urgent, phone 112.";

async function alertsOfCircle(): Promise<Alert[]> {
  const { alerts } = await api<{ alerts: Alert[] }>(stack.apiUrl, "GET", `/api/circles/${circleId}/alerts`, { token: coordinatorToken });
  return alerts;
}

async function pendingClientIds(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Object.keys(localStorage)
      .filter((key) => key.startsWith("kring.pending-alerts."))
      .flatMap((key) => (JSON.parse(localStorage.getItem(key) ?? "[]") as Array<{ clientId: string }>).map((p) => p.clientId)),
  );
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  mkdirSync(LOOK_ONLY, { recursive: true });
  stack = await startStack();
  browser = await launchBrowser();
  coordinatorEmail = uniqueEmail("sofie");
  coordinatorToken = (
    await api<{ token: string }>(stack.apiUrl, "POST", "/api/auth/register", { body: { email: coordinatorEmail, password: PASSWORD, name: "Sofie" } })
  ).token;
  circleId = (await api<{ circle: { id: string } }>(stack.apiUrl, "POST", "/api/circles", { token: coordinatorToken, body: { name: "Anna's circle" } }))
    .circle.id;
  ({ tablet } = await pairTablet(browser, stack, coordinatorToken, circleId));
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

afterEach(() => {
  if (tablet && tablet.errors.length > 0) throw new Error(`uncaught errors in the page: ${tablet.errors.splice(0).join("; ")}`);
});

test("Help pressed offline says so, is sent once when the tablet is back, and only then says 'being called'", async () => {
  const { page, context } = tablet;
  await page.locator(".resident-connection", { hasText: "Connected" }).waitFor();

  await context.setOffline(true);
  await page.locator(".resident-connection", { hasText: /^No connection\./ }).waitFor();
  await page.getByRole("button", { name: "I need help", exact: true }).click();
  await page.getByText(OFFLINE_HELP).waitFor();
  expect(await page.getByText(/being called|Calling your family/).count()).toBe(0);
  const queued = await pendingClientIds(page);
  expect(queued).toHaveLength(1);
  await expectNoAxeViolations(page, "tablet offline after Help");
  await page.screenshot({ path: path.join(SCREENSHOTS, "tablet-offline.png") });
  // The same words at phone width, without sideways scrolling.
  await page.setViewportSize({ width: 360, height: 740 });
  await page.getByText(OFFLINE_HELP).waitFor();
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1)).toBe(true);
  await page.screenshot({ path: path.join(LOOK_ONLY, "tablet-offline-phone.png"), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
  expect(await alertsOfCircle()).toEqual([]);

  await context.setOffline(false);
  await page.getByText("Help is being called. Someone will answer soon.").waitFor();
  await page.locator(".resident-connection", { hasText: "Connected" }).waitFor();
  await page.screenshot({ path: path.join(LOOK_ONLY, "tablet-help-being-called.png") });
  // Give a duplicate send every chance to show up before counting.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const alerts = await alertsOfCircle();
  expect(alerts.map((a) => [a.clientId, a.status])).toEqual([[queued[0], "open"]]);
});

test("'I pressed by mistake' cancels the call and everyone sees it resolved with the note", async () => {
  const { page } = tablet;
  await page.getByRole("button", { name: "I pressed by mistake", exact: true }).click();
  await page.getByText("Cancelled. Nobody is being called.").waitFor();
  await page.getByRole("button", { name: "I pressed by mistake", exact: true }).waitFor({ state: "detached" });
  const [alert] = await alertsOfCircle();
  expect(alert).toMatchObject({ status: "resolved", note: "Cancelled by Anna" });
  await expectNoAxeViolations(page, "tablet after a cancel");
});

test("'I'm OK' survives a reload, and the coordinator sees that Anna checked in today", async () => {
  const { page } = tablet;
  await page.getByRole("button", { name: "I'm OK", exact: true }).click();
  await page.getByText(/^Thank you! Your family knows you are OK/).waitFor();
  await page.reload();
  await page.getByRole("button", { name: "I need help", exact: true }).waitFor();
  await page.getByText(/^Thank you! Your family knows you are OK/).waitFor();

  const staff = await newPerson(browser, stack.appUrl);
  await staff.page.goto("/sign-in");
  await staff.page.getByLabel("Email", { exact: true }).fill(coordinatorEmail);
  await staff.page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await staff.page.getByRole("button", { name: "Sign in", exact: true }).click();
  await staff.page.getByRole("link", { name: /Anna's circle/ }).click();
  await staff.page.getByText(/^Anna checked in today at \d{2}:\d{2}\.$/).waitFor();
  await staff.page.setViewportSize({ width: 360, height: 740 });
  await staff.page.screenshot({ path: path.join(LOOK_ONLY, "conversation-checkin-today-phone.png") });
  await staff.page.setViewportSize({ width: 1200, height: 900 });
  for (const [language, text] of [
    ["nl", /^Anna heeft vandaag om \d{2}:\d{2} laten weten/],
    ["fr", /^Anna a signalé aujourd'hui à \d{2}:\d{2}/],
    ["en", /^Anna checked in today at/],
  ] as const) {
    await staff.page.evaluate((value) => localStorage.setItem("kring.language", JSON.stringify(value)), language);
    await staff.page.reload();
    await staff.page.getByText(text).waitFor();
    await expectNoAxeViolations(staff.page, `conversation with today's check-in (${language})`);
  }
  expect(staff.errors).toEqual([]);
  await staff.context.close();
});

test("the changed tablet screens have zero axe-core violations in Dutch, French and English", async () => {
  const { page, context } = tablet;
  const words = {
    nl: { help: "Ik heb hulp nodig", offline: /^Geen verbinding\. Uw hulpvraag/, mistake: "Ik drukte per ongeluk", cancelled: "Geannuleerd." },
    fr: { help: "J'ai besoin d'aide", offline: /^Pas de connexion\. Votre appel à l'aide/, mistake: "J'ai appuyé par erreur", cancelled: "Annulé." },
    en: { help: "I need help", offline: /^No connection\. Your help call/, mistake: "I pressed by mistake", cancelled: "Cancelled." },
  };
  for (const [language, w] of Object.entries(words)) {
    await page.evaluate((value) => localStorage.setItem("kring.language", JSON.stringify(value)), language);
    await page.reload();
    await page.getByRole("button", { name: w.help, exact: true }).waitFor();
    await expectNoAxeViolations(page, `tablet home (${language})`);
    // Offline, Help pressed, then taken back before it ever went out: nothing reaches the server.
    await context.setOffline(true);
    await page.getByRole("button", { name: w.help, exact: true }).click();
    await page.getByText(w.offline).waitFor();
    await expectNoAxeViolations(page, `tablet offline after Help (${language})`);
    await page.getByRole("button", { name: w.mistake, exact: true }).click();
    await page.getByText(w.cancelled, { exact: false }).first().waitFor();
    await expectNoAxeViolations(page, `tablet after a cancel (${language})`);
    await context.setOffline(false);
  }
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect(await alertsOfCircle()).toHaveLength(1); // only the first test's Help
});
