import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { PASSWORD, api, uniqueEmail } from "./support/api";
import { SCREENSHOTS, expectNoAxeViolations, launchBrowser, newPerson, scrollsSideways } from "./support/browser";
import { startStack, type Stack } from "./support/stack";

// The whole Kring web app against the real stack: a coordinator sets up a circle, a family
// member joins, a resident's tablet is paired; they talk, the resident asks for help and the
// family member answers; a message typed offline arrives once; every screen passes axe-core.

type Person = Awaited<ReturnType<typeof newPerson>>;

// Each test drives real browsers against a real stack; the root jest run sets a shorter default.
jest.setTimeout(180_000);

let stack: Stack;
let browser: Browser;
let coordinator: Person;
let family: Person;
let resident: Person;
let circleId = "";
let coordinatorToken = "";

const FAMILY_NAME = "Marie";
const RESIDENT_NAME = "Anna";

async function screenshot(page: Page, name: string, fullPage = false): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage });
}

async function signUp(person: Person, name: string, email: string): Promise<void> {
  const { page } = person;
  await page.goto("/sign-up");
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Create account", exact: true }).click();
  await page.getByRole("heading", { name: "Your circles" }).waitFor();
}

/** An access token for setup calls, by signing in over the API as that person. */
async function tokenFor(email: string): Promise<string> {
  const { token } = await api<{ token: string }>(stack.apiUrl, "POST", "/api/auth/login", { body: { email, password: PASSWORD } });
  return token;
}

/** In-app navigation (as a click on a link does): the session lives in memory, a reload would restart it. */
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
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

afterEach(() => {
  for (const person of [coordinator, family, resident]) {
    if (person && person.errors.length > 0) {
      const errors = person.errors.splice(0);
      throw new Error(`uncaught errors in the page: ${errors.join("; ")}`);
    }
  }
});

test("a coordinator signs up, creates a circle and invites a family member, who joins with the code", async () => {
  coordinator = await newPerson(browser, stack.appUrl);
  const { page } = coordinator;
  await page.goto("/");
  await page.getByRole("heading", { name: "Sign in to Kring" }).waitFor();
  await screenshot(page, "sign-in");

  const coordinatorEmail = uniqueEmail("sofie");
  await signUp(coordinator, "Sofie", coordinatorEmail);
  await page.getByLabel("Circle name", { exact: true }).fill("Anna's circle");
  await page.getByRole("button", { name: "Create circle", exact: true }).click();
  await page.getByRole("heading", { name: "Anna's circle" }).waitFor();
  circleId = /\/circles\/([0-9a-f]{24})/.exec(page.url())?.[1] ?? "";
  expect(circleId).toMatch(/^[0-9a-f]{24}$/);
  coordinatorToken = await tokenFor(coordinatorEmail);

  await page.getByRole("link", { name: "Members" }).click();
  await page.getByRole("button", { name: "Create invitation code" }).click();
  const code = (await page.locator(".code").textContent())?.trim() ?? "";
  expect(code).toMatch(/^[A-Z2-9]{16}$/);

  family = await newPerson(browser, stack.appUrl);
  await signUp(family, FAMILY_NAME, uniqueEmail("marie"));
  await family.page.getByLabel("Invitation code", { exact: true }).fill(code.toLowerCase());
  await family.page.getByRole("button", { name: "Join circle" }).click();
  // The code first says which circle and which role it is for; only then does she join (issue #12).
  await family.page.getByText(`"Anna's circle" invites you as Family.`, { exact: false }).waitFor();
  await screenshot(family.page, "join-confirm");
  await family.page.getByRole("button", { name: "Join Anna's circle" }).click();
  await family.page.getByRole("heading", { name: "Anna's circle" }).waitFor();
});

test("the coordinator adds the resident and pairs her tablet with a code", async () => {
  resident = await newPerson(browser, stack.appUrl, { tablet: true });
  const { page } = coordinator;
  await page.getByRole("link", { name: "Circle settings" }).click();
  await page.getByLabel("Resident's name", { exact: true }).fill(RESIDENT_NAME);
  await page.getByRole("button", { name: "Add resident" }).click();
  await page.getByRole("button", { name: `Create pairing code for ${RESIDENT_NAME}` }).click();
  const code = (await page.getByTestId("pairing-code").textContent())?.trim() ?? "";
  expect(code.replace(/[\s-]/g, "")).toMatch(/^[A-Z2-9]{8}$/);

  await resident.page.goto("/");
  await resident.page.getByRole("link", { name: "Set up a resident's tablet" }).click();
  await resident.page.getByLabel("Pairing code", { exact: true }).fill(code);
  await resident.page.getByRole("button", { name: "Connect", exact: true }).click();
  await resident.page.getByRole("button", { name: "I need help", exact: true }).waitFor();
  // The coordinator sees the tablet in the circle's device list.
  await visit(page, `/circles/${circleId}/members`);
  await visit(page, `/circles/${circleId}/settings`);
  await page.getByRole("button", { name: /^Disconnect Chrome/ }).waitFor();
  await resident.page.getByRole("heading", { level: 1, name: new RegExp(RESIDENT_NAME) }).waitFor();
  // A paired tablet stays signed in across reloads (its device token is exchanged again).
  await resident.page.reload();
  await resident.page.getByRole("button", { name: "I need help", exact: true }).waitFor();
});

test("the family member and the resident exchange messages, seeing presence and typing", async () => {
  await family.page.getByText(`${RESIDENT_NAME}: Online`).waitFor();
  const text = "Hello Mum, I'll come by at three.";
  await family.page.getByLabel("Message", { exact: true }).fill(text);
  await family.page.getByRole("button", { name: "Send", exact: true }).click();
  await resident.page.getByText(text).waitFor();

  await resident.page.getByRole("button", { name: "Thank you", exact: true }).click();
  await family.page.locator(".message-body", { hasText: "Thank you" }).waitFor();
  await resident.page.getByLabel("Message", { exact: true }).pressSequentially("See you soon, love.");
  await family.page.getByText(`${RESIDENT_NAME} is typing…`).waitFor();
  await resident.page.getByRole("button", { name: "Send", exact: true }).click();
  await family.page.locator(".message-body", { hasText: "See you soon, love." }).waitFor();
  await screenshot(resident.page, "resident-home");
  await screenshot(family.page, "conversation");
});

test("the resident asks for help, the family member takes it, the resident sees who is coming", async () => {
  await resident.page.getByRole("button", { name: "I need help", exact: true }).click();
  await resident.page.getByText("Help is being called. Someone will answer soon.").waitFor();

  const { page } = family;
  await page.getByRole("link", { name: /^Alerts/ }).click();
  await page.getByRole("heading", { name: "Alerts", level: 1 }).waitFor();
  const card = page.locator("article", { hasText: "Help requested" }).first();
  await card.getByRole("button", { name: "I'm on it" }).waitFor();
  await screenshot(page, "alert-inbox");
  await card.getByRole("button", { name: "I'm on it" }).click();
  await card.getByText("You are on it").waitFor();

  await resident.page.getByText(`Help is coming: ${FAMILY_NAME} is on the way`).waitFor();
  await screenshot(resident.page, "resident-help-coming");

  await card.getByLabel("Note (optional)").fill("Fell in the kitchen, she is fine.");
  await card.getByRole("button", { name: "Mark as resolved" }).click();
  await card.getByText("Resolved", { exact: true }).waitFor();
  await resident.page.getByText(`Help is coming: ${FAMILY_NAME} is on the way`).waitFor({ state: "detached" });
});

test("a message typed while offline is sent once when the connection is back", async () => {
  const { page, context } = family;
  await page.getByRole("link", { name: /^Circles/ }).click();
  await page.getByRole("link", { name: /Anna's circle/ }).click();
  await page.getByLabel("Message", { exact: true }).waitFor();

  await context.setOffline(true);
  await page.getByText(/^No connection\./).waitFor();
  const text = `Typed on the train ${Date.now()}`;
  await page.getByLabel("Message", { exact: true }).fill(text);
  await page.getByRole("button", { name: "Send", exact: true }).click();
  await page.locator(".message-pending", { hasText: text }).getByText("Waiting for connection").waitFor();
  const outbox = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("kring.outbox.")).map((k) => localStorage.getItem(k)));
  expect(outbox.join("")).toContain(text);

  await context.setOffline(false);
  await page.locator(".message:not(.message-pending)", { hasText: text }).waitFor();
  await resident.page.getByText(text).waitFor();
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect(await page.getByText(text).count()).toBe(1);
  expect(await resident.page.getByText(text).count()).toBe(1);
  const { messages } = await api<{ messages: Array<{ body: string }> }>(stack.apiUrl, "GET", `/api/circles/${circleId}/messages`, {
    token: coordinatorToken,
  });
  expect(messages.filter((m) => m.body === text)).toHaveLength(1);
});

test("every main screen has zero axe-core violations and reflows at 200% zoom", async () => {
  const visitor = await newPerson(browser, stack.appUrl);
  const screens: Array<{ name: string; page: Page; path?: string; ready: (page: Page) => Promise<void> }> = [
    { name: "sign in", page: visitor.page, path: "/sign-in", ready: (p) => p.getByRole("heading", { name: "Sign in to Kring" }).waitFor() },
    { name: "sign up", page: visitor.page, path: "/sign-up", ready: (p) => p.getByRole("heading", { name: "Create your Kring account" }).waitFor() },
    { name: "pairing", page: visitor.page, path: "/pair", ready: (p) => p.getByLabel("Pairing code").waitFor() },
    { name: "circles", page: coordinator.page, path: "/circles", ready: (p) => p.getByRole("heading", { name: "Your circles" }).waitFor() },
    {
      name: "conversation",
      page: coordinator.page,
      path: `/circles/${circleId}`,
      ready: (p) => p.locator(".message-body").first().waitFor(),
    },
    { name: "members", page: coordinator.page, path: `/circles/${circleId}/members`, ready: (p) => p.locator(".member").first().waitFor() },
    {
      name: "circle settings",
      page: coordinator.page,
      path: `/circles/${circleId}/settings`,
      ready: (p) => p.getByRole("heading", { name: "Daily check-in" }).waitFor(),
    },
    { name: "alert inbox", page: coordinator.page, path: "/alerts", ready: (p) => p.locator("article").first().waitFor() },
    {
      name: "notifications",
      page: coordinator.page,
      path: "/notifications",
      ready: async (p) => {
        await p.getByRole("button", { name: "Save preferences" }).waitFor();
        await p.locator(".device-list li").first().waitFor();
      },
    },
    { name: "resident home", page: resident.page, ready: (p) => p.getByRole("button", { name: "I need help" }).waitFor() },
  ];
  for (const screen of screens) {
    const { page } = screen;
    await page.setViewportSize({ width: 1280, height: 800 });
    // A real load of each deep link: the server answers index.html and the session is restored.
    if (screen.path) await page.goto(screen.path);
    await screen.ready(page);
    await expectNoAxeViolations(page, screen.name);
    // 200% zoom of a 1280-pixel-wide window is a 640-pixel-wide layout.
    await page.setViewportSize({ width: 640, height: 400 });
    expect([screen.name, await scrollsSideways(page)]).toEqual([screen.name, false]);
    await expectNoAxeViolations(page, `${screen.name} at 200% zoom`);
    await page.setViewportSize({ width: 1280, height: 800 });
  }
  await visit(coordinator.page, `/circles/${circleId}/settings`);
  await coordinator.page.getByRole("heading", { name: "Daily check-in" }).waitFor();
  await screenshot(coordinator.page, "circle-settings", true);
  // The account's signed-in devices (issue #12), on a phone: this browser is marked, others can be signed out.
  await coordinator.page.setViewportSize({ width: 360, height: 740 });
  await visit(coordinator.page, "/notifications");
  await coordinator.page.getByRole("heading", { name: "Signed-in devices" }).scrollIntoViewIfNeeded();
  await coordinator.page.getByText("(this device)").waitFor();
  await screenshot(coordinator.page, "account-devices");
  await coordinator.page.setViewportSize({ width: 1280, height: 800 });
  await visitor.context.close();
});

test("the app speaks Dutch, French and English, chosen from the browser and switchable", async () => {
  const expected = [
    { locale: "nl-BE", lang: "nl", heading: "Aanmelden bij Kring", button: "Aanmelden" },
    { locale: "fr-BE", lang: "fr", heading: "Se connecter à Kring", button: "Se connecter" },
    { locale: "en-GB", lang: "en", heading: "Sign in to Kring", button: "Sign in" },
  ];
  for (const language of expected) {
    const person = await newPerson(browser, stack.appUrl, { locale: language.locale });
    await person.page.goto("/");
    await person.page.getByRole("heading", { name: language.heading }).waitFor();
    await person.page.getByRole("button", { name: language.button, exact: true }).waitFor();
    expect(await person.page.evaluate(() => document.documentElement.lang)).toBe(language.lang);
    await expectNoAxeViolations(person.page, `sign in (${language.lang})`);
    await person.context.close();
  }

  // The tablet has no language switch (issue #9): it speaks the language the coordinator sets in
  // the resident's profile, read at start and after every reconnect.
  const { page } = resident;
  expect(await page.locator("select").count()).toBe(0);
  const { members } = await api<{ members: Array<{ userId: string; role: string }> }>(stack.apiUrl, "GET", `/api/circles/${circleId}/members`, {
    token: coordinatorToken,
  });
  const residentId = members.find((m) => m.role === "resident")?.userId ?? "";
  const setTabletLanguage = async (language: string) => {
    await api(stack.apiUrl, "PUT", `/api/circles/${circleId}/residents/${residentId}/profile`, { token: coordinatorToken, body: { language } });
    await page.reload();
  };
  await setTabletLanguage("fr");
  await page.getByRole("button", { name: "J'ai besoin d'aide" }).waitFor();
  await expectNoAxeViolations(page, "resident home (fr)");
  await setTabletLanguage("nl");
  await page.getByRole("button", { name: "Ik heb hulp nodig" }).waitFor();
  await screenshot(page, "resident-home-nl");
  await setTabletLanguage("en");
  await page.getByRole("button", { name: "I need help" }).waitFor();
});

test("the coordinator disconnects the tablet, which goes back to asking for a pairing code", async () => {
  const { page } = coordinator;
  await visit(page, `/circles/${circleId}/settings`);
  await page.getByRole("button", { name: /^Disconnect Chrome/ }).click();
  await page.getByText(/Disconnected/).waitFor();
  await resident.page.getByLabel("Pairing code", { exact: true }).waitFor();
  await resident.page.getByText("This tablet was disconnected. Ask your coordinator for a new pairing code.").waitFor();
  await expectNoAxeViolations(resident.page, "pairing after revocation");
});
