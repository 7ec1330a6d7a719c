import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { io, type Socket } from "socket.io-client";
import { PASSWORD, api, uniqueEmail } from "./support/api";
import { SCREENSHOTS, afterScrollEvents, expectNoAxeViolations, launchBrowser, newPerson } from "./support/browser";
import { startStack, type Stack } from "./support/stack";

// Issue #9 items 5 and 6 in a real browser: the care team talks without the resident (her tablet
// never shows a team message), the newest message is always fully above the message box, a
// reader who scrolled up gets a "New messages" button instead of a jump, and a half-typed message
// survives a reload.

jest.setTimeout(240_000);

type Person = Awaited<ReturnType<typeof newPerson>>;

let stack: Stack;
let browser: Browser;
let circleId = "";
let coordinatorToken = "";
let familyToken = "";
let coordinatorSocket: Socket;
let family: Person;
let tablet: Person;
let sent = 0;

const PHONE = { width: 360, height: 740 };
const TABLET = { width: 800, height: 1280 };

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  stack = await startStack();
  browser = await launchBrowser();

  const coordinatorEmail = uniqueEmail("sofie");
  coordinatorToken = (
    await api<{ token: string }>(stack.apiUrl, "POST", "/api/auth/register", { body: { email: coordinatorEmail, password: PASSWORD, name: "Sofie" } })
  ).token;
  const { circle } = await api<{ circle: { id: string } }>(stack.apiUrl, "POST", "/api/circles", {
    token: coordinatorToken,
    body: { name: "Anna's circle" },
  });
  circleId = circle.id;
  const { member } = await api<{ member: { userId: string } }>(stack.apiUrl, "POST", `/api/circles/${circleId}/residents`, {
    token: coordinatorToken,
    body: { name: "Anna" },
  });
  const pairing = await api<{ code: string }>(stack.apiUrl, "POST", `/api/circles/${circleId}/residents/${member.userId}/pairing-codes`, {
    token: coordinatorToken,
  });
  const invitation = await api<{ code: string }>(stack.apiUrl, "POST", `/api/circles/${circleId}/invitations`, {
    token: coordinatorToken,
    body: { role: "family" },
  });
  const familyEmail = uniqueEmail("marie");
  familyToken = (
    await api<{ token: string }>(stack.apiUrl, "POST", "/api/auth/register", { body: { email: familyEmail, password: PASSWORD, name: "Marie" } })
  ).token;
  await api(stack.apiUrl, "POST", `/api/invitations/${invitation.code}/accept`, { token: familyToken });

  coordinatorSocket = io(stack.apiUrl, { auth: { token: coordinatorToken }, transports: ["websocket"] });
  await new Promise<void>((resolve, reject) => {
    coordinatorSocket.once("connect", resolve);
    coordinatorSocket.once("connect_error", reject);
  });

  tablet = await newPerson(browser, stack.appUrl, { tablet: true });
  await tablet.page.goto("/pair");
  await tablet.page.getByLabel("Pairing code", { exact: true }).fill(pairing.code);
  await tablet.page.getByRole("button", { name: "Connect", exact: true }).click();
  await tablet.page.getByRole("button", { name: "I need help", exact: true }).waitFor();

  family = await newPerson(browser, stack.appUrl);
  await family.page.setViewportSize(PHONE);
  await family.page.goto("/sign-in");
  await family.page.getByLabel("Email", { exact: true }).fill(familyEmail);
  await family.page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await family.page.getByRole("button", { name: "Sign in", exact: true }).click();
  await family.page.getByRole("heading", { name: "Your circles" }).waitFor();
});

afterAll(async () => {
  coordinatorSocket?.disconnect();
  await browser?.close();
  await stack?.stop();
});

afterEach(() => {
  for (const person of [family, tablet]) {
    if (person && person.errors.length > 0) throw new Error(`uncaught errors in the page: ${person.errors.splice(0).join("; ")}`);
  }
});

/** The coordinator writes, from a plain socket.io client (so nothing in a browser is involved). */
async function coordinatorSays(body: string, thread: "circle" | "team" = "circle") {
  sent += 1;
  const ack = await coordinatorSocket.emitWithAck("message:send", { circleId, clientId: `e2e-${sent}`, body, thread });
  if (!ack.ok) throw new Error(`send failed: ${JSON.stringify(ack)}`);
}

/** The newest message's bottom edge and the message box's top edge, in viewport pixels. */
async function newestAndComposer(page: Page, list = ".message-list", composer = ".composer") {
  return page.evaluate(
    ({ list, composer }) => {
      const items = document.querySelectorAll(`${list} > li`);
      const newest = items[items.length - 1]?.getBoundingClientRect();
      const box = document.querySelector(composer)?.getBoundingClientRect();
      return { newestTop: newest?.top ?? NaN, newestBottom: newest?.bottom ?? NaN, composerTop: box?.top ?? NaN, viewport: innerHeight };
    },
    { list, composer },
  );
}

/** The newest message is fully in view and above the message box (not hidden under it). */
async function expectNewestAboveComposer(page: Page, what: string) {
  // Give layout and the scroll one frame.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  const box = await newestAndComposer(page);
  expect([what, box.newestBottom <= box.composerTop && box.newestTop >= 0]).toEqual([what, true]);
}

/** Marie's unread count in the circle thread, as the server has it. */
async function familyUnread(): Promise<number> {
  const { circles } = await api<{ circles: Array<{ unread: number }> }>(stack.apiUrl, "GET", "/api/circles", { token: familyToken });
  return circles[0]?.unread ?? -1;
}

function composerOf(page: Page): Locator {
  return page.locator("form.composer textarea");
}

test("a care-team message reaches the family and never the resident's tablet, while a circle message does", async () => {
  const { page } = family;
  await page.getByRole("link", { name: /Anna's circle/ }).click();
  await page.getByRole("link", { name: "Care team" }).click();
  await page.getByText("Only the care team sees this conversation. Anna does not.").waitFor();
  await page.getByText("No messages yet", { exact: false }).waitFor();
  const teamText = "She mentioned some dizziness; new prescription from Dr. Peeters.";
  await page.getByLabel("Message to the care team", { exact: true }).fill(teamText);
  await page.getByRole("button", { name: "Send", exact: true }).click();
  await page.locator(".message:not(.message-pending) .message-body", { hasText: teamText }).waitFor();

  // The coordinator's care-team message shows on Marie's "Everyone" tab as a badge, not in the list.
  await page.getByRole("link", { name: /^Everyone, with Anna/ }).click();
  await coordinatorSays("I'll call the GP about it.", "team");
  await page.getByRole("link", { name: /^Care team.*1 unread message/ }).waitFor();

  const circleText = "Hello Mum, I'll come by at three.";
  await page.getByLabel("Message", { exact: true }).fill(circleText);
  await page.getByRole("button", { name: "Send", exact: true }).click();
  await tablet.page.getByText(circleText).waitFor();
  // The circle message came after both team messages on the same sockets: had the team messages
  // been sent to the tablet, they would be there by now. Also after a reload (sync + history).
  await new Promise((resolve) => setTimeout(resolve, 500));
  // Look for whole phrases: localStorage also holds the tablet's random tokens, in which a short
  // string such as "GP" turns up by chance (it did once, in CI, and failed the run).
  const tabletSees = async () => (await tablet.page.locator("body").innerText()) + JSON.stringify(await tablet.page.evaluate(() => ({ ...localStorage })));
  expect(await tabletSees()).not.toContain("some dizziness");
  expect(await tabletSees()).not.toContain("call the GP");
  await tablet.page.reload();
  await tablet.page.getByText(circleText).waitFor();
  expect(await tabletSees()).not.toContain("some dizziness");
  expect(await tabletSees()).not.toContain("call the GP");

  await page.getByRole("link", { name: /^Care team/ }).click();
  await page.locator(".message-body", { hasText: "I'll call the GP about it." }).waitFor();
  // An in-app switch of thread shows the newest message too (not the top of the page).
  await expectNewestAboveComposer(page, "switching to the care team");
  await page.getByRole("link", { name: /^Everyone, with Anna/ }).waitFor();
  await screenshot(page, "team-thread");
});

test("the newest message shows fully above the message box on opening and after sending, on a phone and a tablet", async () => {
  for (let i = 1; i <= 30; i += 1) await coordinatorSays(`Planning note ${i}: ${"who brings the groceries this week, and when? ".repeat(2)}`);
  for (const viewport of [PHONE, TABLET]) {
    const { page } = family;
    await page.setViewportSize(viewport);
    await page.goto(`/circles/${circleId}`);
    await page.locator(".message-body", { hasText: "Planning note 30:" }).waitFor();
    await expectNewestAboveComposer(page, `opening at ${viewport.width} px`);

    const text = `Sent at ${viewport.width} px`;
    await composerOf(page).fill(text);
    await page.getByRole("button", { name: "Send", exact: true }).click();
    await page.locator(".message:not(.message-pending) .message-body", { hasText: text }).waitFor();
    await expectNewestAboveComposer(page, `after sending at ${viewport.width} px`);

    // Receiving while at the end follows too.
    await coordinatorSays(`Arrived while reading at ${viewport.width} px`);
    await page.locator(".message-body", { hasText: `Arrived while reading at ${viewport.width} px` }).waitFor();
    await expectNewestAboveComposer(page, `receiving at ${viewport.width} px`);
  }
  await family.page.setViewportSize(PHONE);
});

test("a reader who scrolled up gets a New messages button instead of a jump", async () => {
  const { page } = family;
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForFunction(() => window.scrollY === 0);
  await afterScrollEvents(page);
  await coordinatorSays("A message while Marie reads older ones");
  const button = page.getByRole("button", { name: "New messages" });
  await button.waitFor();
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
  await screenshot(page, "new-messages-button");
  // Not seen yet, so not read yet.
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(await familyUnread()).toBe(1);
  await button.click();
  await button.waitFor({ state: "detached" });
  await expectNewestAboveComposer(page, "after New messages");
  for (let tries = 0; (await familyUnread()) !== 0 && tries < 50; tries += 1) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(await familyUnread()).toBe(0);
});

test("the tablet's message list keeps the newest message in view and offers New messages when scrolled up", async () => {
  const { page } = tablet;
  const list = page.locator(".resident-messages");
  const newestInList = () =>
    page.evaluate(() => {
      const ol = document.querySelector(".resident-messages")!;
      const items = ol.querySelectorAll(":scope > li");
      const newest = items[items.length - 1]!.getBoundingClientRect();
      const frame = ol.getBoundingClientRect();
      return newest.bottom <= frame.bottom + 1 && newest.top >= frame.top - 1;
    });
  await page.reload();
  await page.getByText("Arrived while reading at 800 px").waitFor();
  expect(await newestInList()).toBe(true);

  await coordinatorSays("Good morning Mum!");
  await page.getByText("Good morning Mum!").waitFor();
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  expect(await newestInList()).toBe(true);

  await list.evaluate((ol) => (ol.scrollTop = 0));
  await afterScrollEvents(page);
  await coordinatorSays("Shall I bring soup?");
  const button = page.getByRole("button", { name: "New messages" });
  await button.waitFor();
  expect(await list.evaluate((ol) => ol.scrollTop)).toBe(0);
  await button.click();
  await button.waitFor({ state: "detached" });
  expect(await newestInList()).toBe(true);
});

test("a half-typed message survives a reload, per thread", async () => {
  const { page } = family;
  await page.goto(`/circles/${circleId}/team`);
  await composerOf(page).fill("Draft for the team: ask about the");
  await page.goto(`/circles/${circleId}`);
  await composerOf(page).fill("Draft for everyone");
  await page.reload();
  await page.getByLabel("Message", { exact: true }).waitFor();
  expect(await composerOf(page).inputValue()).toBe("Draft for everyone");
  await page.goto(`/circles/${circleId}/team`);
  expect(await page.getByLabel("Message to the care team", { exact: true }).inputValue()).toBe("Draft for the team: ask about the");

  // Sending clears it for good.
  await page.getByRole("button", { name: "Send", exact: true }).click();
  await page.locator(".message:not(.message-pending) .message-body", { hasText: "Draft for the team: ask about the" }).waitFor();
  await page.reload();
  await page.getByLabel("Message to the care team", { exact: true }).waitFor();
  expect(await composerOf(page).inputValue()).toBe("");

  // The tablet keeps its draft too.
  await tablet.page.getByLabel("Message", { exact: true }).fill("Thank you for the");
  await tablet.page.reload();
  await tablet.page.getByRole("button", { name: "I need help", exact: true }).waitFor();
  expect(await tablet.page.getByLabel("Message", { exact: true }).inputValue()).toBe("Thank you for the");
});

test("the two conversations have zero axe-core violations in Dutch, French and English", async () => {
  const { page } = family;
  const languages = [
    { code: "nl", label: "Taal", team: "Zorgteam", everyone: /^Iedereen, met Anna/ },
    { code: "fr", label: "Langue", team: "Équipe de soins", everyone: /^Tout le monde, avec Anna/ },
    { code: "en", label: "Language", team: "Care team", everyone: /^Everyone, with Anna/ },
  ];
  let label = "Language";
  for (const language of languages) {
    await page.getByLabel(label, { exact: true }).selectOption(language.code);
    label = language.label;
    await page.getByRole("link", { name: language.team }).click();
    await page.locator(".message-body").first().waitFor();
    await expectNoAxeViolations(page, `care team (${language.code})`);
    await page.getByRole("link", { name: language.everyone }).click();
    await page.locator(".message-body").first().waitFor();
    await expectNoAxeViolations(page, `everyone (${language.code})`);
  }
  // The "New messages" button itself.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForFunction(() => window.scrollY === 0);
  await afterScrollEvents(page);
  await coordinatorSays("One more while scrolled up");
  await page.getByRole("button", { name: "New messages" }).waitFor();
  await expectNoAxeViolations(page, "New messages button");
  await expectNoAxeViolations(tablet.page, "resident home");
});

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}
