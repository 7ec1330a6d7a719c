import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser } from "playwright-core";
import { PASSWORD, api, uniqueEmail } from "./support/api";
import { SCREENSHOTS, expectNoAxeViolations, launchBrowser, newPerson, scrollsSideways, signIn } from "./support/browser";
import { REPO_ROOT, startStack, type Stack } from "./support/stack";
import { pairTablet } from "./support/tablet";

// Issue #11 in a real browser: the resident's "Who looked at my circle", one tap from the tablet's
// home, in large plain words; axe-clean; no sideways scrolling at 360 px.

jest.setTimeout(180_000);

type Person = Awaited<ReturnType<typeof newPerson>>;

let stack: Stack;
let browser: Browser;
let tablet: Person;
let circleId = "";
let coordinatorEmail = "";
let marieEmail = "";
let pietEmail = "";

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  stack = await startStack();
  browser = await launchBrowser();
  coordinatorEmail = uniqueEmail("sofie");
  const coordinatorToken = (
    await api<{ token: string }>(stack.apiUrl, "POST", "/api/auth/register", { body: { email: coordinatorEmail, password: PASSWORD, name: "Sofie" } })
  ).token;
  circleId = (await api<{ circle: { id: string } }>(stack.apiUrl, "POST", "/api/circles", { token: coordinatorToken, body: { name: "Anna's circle" } }))
    .circle.id;
  marieEmail = uniqueEmail("marie");
  const marieToken = (
    await api<{ token: string }>(stack.apiUrl, "POST", "/api/auth/register", { body: { email: marieEmail, password: PASSWORD, name: "Marie" } })
  ).token;
  const { code: invitation } = await api<{ code: string }>(stack.apiUrl, "POST", `/api/circles/${circleId}/invitations`, {
    token: coordinatorToken,
    body: { role: "family" },
  });
  await api(stack.apiUrl, "POST", `/api/invitations/${invitation}/accept`, { token: marieToken });
  // Piet, a care professional: the access log is not his to read (roles table `access_log.read`).
  pietEmail = uniqueEmail("piet");
  const pietToken = (await api<{ token: string }>(stack.apiUrl, "POST", "/api/auth/register", { body: { email: pietEmail, password: PASSWORD, name: "Piet" } }))
    .token;
  const { code: pietInvitation } = await api<{ code: string }>(stack.apiUrl, "POST", `/api/circles/${circleId}/invitations`, {
    token: coordinatorToken,
    body: { role: "professional" },
  });
  await api(stack.apiUrl, "POST", `/api/invitations/${pietInvitation}/accept`, { token: pietToken });
  // Marie reads the messages four times; Sofie looks at the members once.
  for (let i = 0; i < 4; i += 1) await api(stack.apiUrl, "GET", `/api/circles/${circleId}/messages`, { token: marieToken });
  await api(stack.apiUrl, "GET", `/api/circles/${circleId}/members`, { token: coordinatorToken });

  ({ tablet } = await pairTablet(browser, stack, coordinatorToken, circleId));
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

afterEach(() => {
  if (tablet && tablet.errors.length > 0) throw new Error(`uncaught errors in the page: ${tablet.errors.splice(0).join("; ")}`);
});

test("the resident sees who looked at her circle, in plain words, one tap from home", async () => {
  const { page } = tablet;
  mkdirSync(path.join(REPO_ROOT, ".cache", "screenshots"), { recursive: true });
  await page.getByRole("button", { name: "Who looked at my circle", exact: true }).waitFor();
  await page.screenshot({ path: path.join(REPO_ROOT, ".cache", "screenshots", "resident-home-who-looked.png") });
  await page.getByRole("button", { name: "Who looked at my circle", exact: true }).click();
  await page.getByRole("heading", { name: "Who looked at your circle" }).waitFor();
  await page.getByText("Marie read the messages today, 4 times").waitFor();
  await page.getByText("Sofie looked at who is in the circle today, once").waitFor();
  // Her own tablet's reads are not "someone looking".
  expect(await page.getByText(/^You /).count()).toBe(0);
  await page.getByText("Marie joined the circle today").waitFor();
  await expectNoAxeViolations(page, "the resident's access log");
  await page.screenshot({ path: path.join(SCREENSHOTS, "access-log-resident.png") });

  // At 360 px nothing scrolls sideways.
  await page.setViewportSize({ width: 360, height: 740 });
  expect(await scrollsSideways(page)).toBe(false);
  await page.setViewportSize({ width: 1280, height: 800 });

  await page.getByRole("button", { name: /Back/ }).click();
  await page.getByRole("button", { name: "Who looked at my circle", exact: true }).waitFor();
  await page.getByRole("button", { name: "I need help", exact: true }).waitFor();
});

test("a coordinator reads the circle's access log, sets the retention; a member deletes their account with the password", async () => {
  const sofie = await newPerson(browser, stack.appUrl);
  try {
    await signIn(sofie.page, coordinatorEmail);
    await sofie.page.goto(`/circles/${circleId}/settings`);
    await sofie.page.getByRole("heading", { name: "Privacy" }).waitFor();
    await sofie.page.getByText(/^Marie read the messages today, 4 times/).waitFor();
    await sofie.page.getByLabel("Keep messages").selectOption("365");
    await sofie.page.getByRole("button", { name: "Save", exact: true }).last().click();
    await sofie.page.getByText("Saved.").last().waitFor();
    await expectNoAxeViolations(sofie.page, "circle settings with privacy");
    await sofie.page.getByRole("heading", { name: "Privacy" }).scrollIntoViewIfNeeded();
    await sofie.page.screenshot({ path: path.join(SCREENSHOTS, "circle-privacy.png") });
    const retention = await api<{ messagesDays: number | null }>(stack.apiUrl, "GET", `/api/circles/${circleId}/retention`, {
      token: (await api<{ token: string }>(stack.apiUrl, "POST", "/api/auth/login", { body: { email: coordinatorEmail, password: PASSWORD } })).token,
    });
    expect(retention.messagesDays).toBe(365);
  } finally {
    await sofie.context.close();
  }

  const leavingEmail = uniqueEmail("jan");
  await api(stack.apiUrl, "POST", "/api/auth/register", { body: { email: leavingEmail, password: PASSWORD, name: "Jan" } });
  const jan = await newPerson(browser, stack.appUrl);
  try {
    await signIn(jan.page, leavingEmail);
    await jan.page.goto("/account");
    await jan.page.getByRole("heading", { name: "Delete my account" }).waitFor();
    await jan.page.getByLabel("Your password").fill("not my password at all");
    await jan.page.getByRole("button", { name: "Delete my account" }).click();
    await jan.page.getByText("That password is not right.").waitFor();
    await expectNoAxeViolations(jan.page, "the account page with its privacy section");
    await jan.page.setViewportSize({ width: 360, height: 740 });
    expect(await scrollsSideways(jan.page)).toBe(false);
    await jan.page.getByRole("heading", { name: "Your data" }).scrollIntoViewIfNeeded();
    // To look at after a run, never for the README.
    mkdirSync(path.join(REPO_ROOT, ".cache", "screenshots"), { recursive: true });
    await jan.page.screenshot({ path: path.join(REPO_ROOT, ".cache", "screenshots", "account-privacy-phone.png") });
    await jan.page.getByLabel("Your password").fill(PASSWORD);
    await jan.page.getByRole("button", { name: "Delete my account" }).click();
    await jan.page.getByRole("heading", { name: "Sign in to Kring" }).waitFor();
    const login = await fetch(`${stack.apiUrl}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: leavingEmail, password: PASSWORD }),
    });
    expect(login.status).toBe(401);
  } finally {
    await jan.context.close();
  }
});

test("a family member opens who looked from the circle's tabs on a 360 px phone; a professional has no such tab", async () => {
  const marie = await newPerson(browser, stack.appUrl);
  try {
    await marie.page.setViewportSize({ width: 360, height: 740 });
    await signIn(marie.page, marieEmail);
    await marie.page.getByRole("link", { name: "Anna's circle" }).first().click();
    const circleTabs = marie.page.getByRole("navigation", { name: "Circle" });
    await circleTabs.getByRole("link", { name: "Who looked", exact: true }).click();
    await marie.page.waitForURL(`**/circles/${circleId}/access-log`);
    await marie.page.getByRole("heading", { name: "Who looked at this circle (last 30 days)" }).waitFor();
    // Her own reads are "You" (opening the conversation just now counts too); the coordinator's by name.
    await marie.page.getByText(/^You read the messages today, \d+ times/).first().waitFor();
    await marie.page.getByText(/^Sofie looked at who is in the circle today/).first().waitFor();
    await marie.page.getByText("You joined the circle today").waitFor();
    expect(await circleTabs.getByRole("link", { name: "Who looked", exact: true }).getAttribute("aria-current")).toBe("page");
    await expectNoAxeViolations(marie.page, "the family member's access log");
    expect(await scrollsSideways(marie.page)).toBe(false);
    mkdirSync(path.join(REPO_ROOT, ".cache", "screenshots"), { recursive: true });
    await marie.page.screenshot({ path: path.join(REPO_ROOT, ".cache", "screenshots", "access-log-family-phone.png"), fullPage: true });
    expect(marie.errors).toEqual([]);
  } finally {
    await marie.context.close();
  }

  const piet = await newPerson(browser, stack.appUrl);
  try {
    await signIn(piet.page, pietEmail);
    await piet.page.goto(`/circles/${circleId}`);
    const circleTabs = piet.page.getByRole("navigation", { name: "Circle" });
    await circleTabs.getByRole("link", { name: "Members", exact: true }).waitFor();
    expect(await circleTabs.getByRole("link", { name: "Who looked", exact: true }).count()).toBe(0);
    // A typed-in address shows why, without asking the server for a log it would refuse.
    await piet.page.goto(`/circles/${circleId}/access-log`);
    await piet.page.getByText("Only the resident, the family and the coordinators of this circle can see who looked.").waitFor();
    expect(await piet.page.getByText(/read the messages/).count()).toBe(0);
    expect(piet.errors).toEqual([]);
  } finally {
    await piet.context.close();
  }
});
