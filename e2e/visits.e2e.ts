import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { PASSWORD, api, uniqueEmail } from "./support/api";
import { SCREENSHOTS, expectNoAxeViolations, launchBrowser, newPerson, scrollsSideways, signIn } from "./support/browser";
import { REPO_ROOT, startStack, type Stack } from "./support/stack";

// Visits (issue #10) in real Chromium against the real stack: a coordinator plans a weekly visit
// that is open to anyone, a family member takes it from her phone ("Open slots — can you take
// this?"), and the resident's tablet says who is coming today, live, with her photo; then she
// arrives and the tablet says she is here.

jest.setTimeout(180_000);

type Person = Awaited<ReturnType<typeof newPerson>>;
type Occurrence = { id: string; status: string; assigneeId: string | null; note: string | null; start: string };

const PHONE = { width: 360, height: 740 };
const TITLE = "Coffee with Anna";

let stack: Stack;
let browser: Browser;
let coordinator: Person;
let family: Person;
let tablet: Person;
let circleId = "";
let coordinatorToken = "";
let familyId = "";
let coordinatorEmail = "";
let familyEmail = "";
/** The visit's wall time in Brussels (the browsers' zone) and whether that is still today. */
let visitDate = "";
let visitTime = "";
let isToday = true;

/** Brussels wall date and time of an instant (the circle's default zone and the browsers'). */
function brussels(instant: Date): { date: string; time: string } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Brussels", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
      .formatToParts(instant)
      .map((part) => [part.type, part.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

/** In-app navigation, as a click on a link does. */
async function visit(page: Page, to: string): Promise<void> {
  await page.evaluate((target) => {
    history.pushState(null, "", target);
    dispatchEvent(new PopStateEvent("popstate"));
  }, to);
}

async function occurrences(): Promise<Occurrence[]> {
  const to = new Date(Date.now() + 8 * 86_400_000).toISOString().slice(0, 10);
  const from = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const body = await api<{ occurrences: Occurrence[] }>(stack.apiUrl, "GET", `/api/circles/${circleId}/occurrences?from=${from}&to=${to}`, { token: coordinatorToken });
  return body.occurrences;
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  mkdirSync(path.join(REPO_ROOT, ".cache", "screenshots"), { recursive: true });
  stack = await startStack();
  browser = await launchBrowser();

  coordinatorEmail = uniqueEmail("sofie");
  coordinatorToken = (
    await api<{ token: string }>(stack.apiUrl, "POST", "/api/auth/register", { body: { email: coordinatorEmail, password: PASSWORD, name: "Sofie" } })
  ).token;
  circleId = (await api<{ circle: { id: string } }>(stack.apiUrl, "POST", "/api/circles", { token: coordinatorToken, body: { name: "Anna's circle" } })).circle.id;
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
  familyEmail = uniqueEmail("marie");
  const registered = await api<{ token: string; user: { id: string } }>(stack.apiUrl, "POST", "/api/auth/register", {
    body: { email: familyEmail, password: PASSWORD, name: "Marie Peeters" },
  });
  familyId = registered.user.id;
  await api(stack.apiUrl, "POST", `/api/invitations/${invitation.code}/accept`, { token: registered.token });
  // Marie's profile photo, so the resident recognises her at the door.
  const photo = await fetch(`${stack.apiUrl}/api/me/photo`, {
    method: "PUT",
    headers: { authorization: `Bearer ${registered.token}`, "content-type": "image/png" },
    body: readFileSync(path.join(REPO_ROOT, "apps", "web", "public", "icons", "icon-192.png")),
  });
  expect(photo.status).toBe(200);

  // A visit 40 minutes from now (rounded to 5), in Brussels; late in the evening that is tomorrow.
  const start = new Date(Math.ceil((Date.now() + 40 * 60_000) / 300_000) * 300_000);
  ({ date: visitDate, time: visitTime } = brussels(start));
  isToday = visitDate === brussels(new Date()).date;

  tablet = await newPerson(browser, stack.appUrl, { tablet: true });
  await tablet.page.goto("/pair");
  await tablet.page.getByLabel("Pairing code", { exact: true }).fill(pairing.code);
  await tablet.page.getByRole("button", { name: "Connect", exact: true }).click();
  await tablet.page.getByRole("button", { name: "I need help", exact: true }).waitFor();

  coordinator = await newPerson(browser, stack.appUrl);
  await signIn(coordinator.page, coordinatorEmail);
  family = await newPerson(browser, stack.appUrl);
  await family.page.setViewportSize(PHONE);
  await signIn(family.page, familyEmail);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

afterEach(() => {
  for (const person of [coordinator, family, tablet]) {
    if (person && person.errors.length > 0) throw new Error(`uncaught errors in the page: ${person.errors.splice(0).join("; ")}`);
  }
});

test("the coordinator plans a weekly visit, open to anyone, with the plain form", async () => {
  const { page } = coordinator;
  await page.getByRole("link", { name: /Anna's circle/ }).click();
  await page.getByRole("link", { name: "Calendar", exact: true }).click();
  await page.getByRole("heading", { name: /^Week of / }).waitFor();
  await page.getByRole("link", { name: "Plan a visit or task", exact: true }).click();
  await page.getByRole("heading", { name: "Plan a visit or task", level: 1 }).waitFor();
  await expectNoAxeViolations(page, "the plan form");

  await page.getByLabel("Title", { exact: true }).fill(TITLE);
  await page.getByLabel("Date", { exact: true }).fill(visitDate);
  await page.getByLabel("Time", { exact: true }).fill(visitTime);
  await page.getByLabel("How long", { exact: true }).selectOption("60");
  await page.getByLabel("Repeats", { exact: true }).selectOption("weekly");
  // The visit's own weekday is ticked already: "every week on <that day>".
  const weekday = new Intl.DateTimeFormat("en-GB", { weekday: "long", timeZone: "UTC" }).format(new Date(`${visitDate}T12:00:00Z`));
  expect(await page.getByRole("checkbox", { name: weekday, exact: true }).isChecked()).toBe(true);
  await page.getByRole("button", { name: "Add to the calendar", exact: true }).click();
  await page.getByRole("heading", { name: "The next four weeks" }).waitFor();
  await page.locator(".occurrence", { hasText: TITLE }).first().waitFor();
  // Every week at the same wall time, nobody assigned yet.
  const stored = await occurrences();
  const mine = stored.filter((o) => o.id.includes(`:${visitDate}T${visitTime}`));
  expect(mine).toHaveLength(1);
  expect(mine[0]).toMatchObject({ status: "open", assigneeId: null });
  const { plans } = await api<{ plans: Array<{ recurrence: string; start: string; durationMinutes: number }> }>(stack.apiUrl, "GET", `/api/circles/${circleId}/plans`, {
    token: coordinatorToken,
  });
  expect(plans).toEqual([expect.objectContaining({ start: `${visitDate}T${visitTime}`, durationMinutes: 60, recurrence: expect.stringMatching(/^FREQ=WEEKLY;BYDAY=[A-Z]{2}$/) })]);
  await expectNoAxeViolations(page, "the agenda");

  await visit(page, `/circles/${circleId}/calendar`);
  await page.getByRole("heading", { name: /^Week of / }).waitFor();
  await page.locator(".week-day-today, .week-day").locator(".occurrence", { hasText: TITLE }).first().waitFor();
  await expectNoAxeViolations(page, "the week");
  await page.screenshot({ path: path.join(SCREENSHOTS, "visits-calendar.png") });
});

test("the tablet announces nobody for an open slot; a family member takes it from her phone and the tablet says who comes, live", async () => {
  const card = tablet.page.locator(".visit-card");
  await card.getByText("No visits planned this week.").waitFor();

  // Sofie looks at the open slots too, on her computer.
  await visit(coordinator.page, `/circles/${circleId}/calendar/open`);
  const sofiesSlot = coordinator.page.locator(".occurrence", { hasText: TITLE }).first();
  await sofiesSlot.getByRole("button", { name: "I'll take it", exact: true }).waitFor();

  const { page } = family;
  await page.getByRole("link", { name: /Anna's circle/ }).click();
  await page.getByRole("link", { name: "Calendar", exact: true }).click();
  await page.getByRole("link", { name: "Open slots", exact: true }).click();
  await page.getByRole("heading", { name: "Open slots: can you take this?" }).waitFor();
  const slot = page.locator(".occurrence", { hasText: TITLE }).first();
  await slot.getByText("Open: nobody yet").waitFor();
  expect(await scrollsSideways(page)).toBe(false);
  await expectNoAxeViolations(page, "open slots on a phone");
  await page.screenshot({ path: path.join(SCREENSHOTS, "visits-open-slots.png"), fullPage: true });

  await slot.getByRole("button", { name: "I'll take it", exact: true }).click();
  await slot.getByText("Planned", { exact: true }).waitFor();
  await slot.getByText("with You").waitFor();
  const [taken] = (await occurrences()).filter((o) => o.id.includes(`:${visitDate}T${visitTime}`));
  expect(taken).toMatchObject({ status: "planned", assigneeId: familyId });

  // The tablet, without a reload: Marie, when, and her photo.
  const when = isToday ? `today at ${visitTime}` : `tomorrow at ${visitTime}`;
  await card.locator(".visit-next-text", { hasText: `Marie Peeters — ${when}` }).waitFor();
  await card.locator("img.visit-face").waitFor();
  expect(await card.locator("img.visit-face").evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  await expectNoAxeViolations(tablet.page, "the tablet with who is coming");
  await tablet.page.screenshot({ path: path.join(SCREENSHOTS, "visits-resident-card.png") });
  // On a phone-sized screen the card still reads without sideways scrolling.
  await tablet.page.setViewportSize(PHONE);
  expect(await scrollsSideways(tablet.page)).toBe(false);
  await tablet.page.screenshot({ path: path.join(REPO_ROOT, ".cache", "screenshots", "visits-resident-card-phone.png"), fullPage: true });
  await tablet.page.setViewportSize({ width: 1280, height: 800 });
});

test("the slot Marie took shows as hers on Sofie's open slots, live, and a second claim is refused", async () => {
  // The slot stays in view (so the list does not jump under Sofie's finger), now as Marie's.
  const slot = coordinator.page.locator(".occurrence", { hasText: TITLE }).first();
  await slot.getByText("with Marie Peeters").waitFor();
  expect(await slot.getByRole("button", { name: "I'll take it" }).count()).toBe(0);
  // Had Sofie pressed a moment before the update reached her screen: the server says no.
  const [taken] = (await occurrences()).filter((o) => o.id.includes(`:${visitDate}T${visitTime}`));
  const answer = await fetch(`${stack.apiUrl}/api/occurrences/${encodeURIComponent(taken!.id)}/claim`, {
    method: "POST",
    headers: { authorization: `Bearer ${coordinatorToken}`, "content-type": "application/json" },
    body: "{}",
  });
  expect(answer.status).toBe(409);
});

test("she arrives: checks in from her phone with a note, and the tablet says she is here", async () => {
  const { page } = family;
  const slot = page.locator(".occurrence", { hasText: TITLE }).first();
  await slot.getByLabel("Note for the circle (optional)").fill("Brought fresh bread");
  await slot.getByRole("button", { name: "I've arrived", exact: true }).click();
  await slot.getByText("Under way", { exact: true }).waitFor();
  await slot.getByText("Note: Brought fresh bread").waitFor();
  expect(await scrollsSideways(page)).toBe(false);
  await tablet.page.locator(".visit-card .visit-next-text", { hasText: "Marie Peeters — here now" }).waitFor();
  const [visitNow] = (await occurrences()).filter((o) => o.id.includes(`:${visitDate}T${visitTime}`));
  expect(visitNow).toMatchObject({ status: "in_progress", note: "Brought fresh bread" });
});

test("her day across circles: today's visit under 'Yours', and she leaves from there", async () => {
  const { page } = family;
  await page.getByRole("link", { name: "Today", exact: true }).click();
  await page.getByRole("heading", { name: "Today", level: 1 }).waitFor();
  const section = page.getByRole("region", { name: isToday ? "Yours today" : "Yours tomorrow" });
  const item = section.locator(".occurrence", { hasText: TITLE });
  await item.getByText("Anna's circle").waitFor();
  await item.getByRole("button", { name: "I'm leaving", exact: true }).click();
  await item.getByText("Done", { exact: true }).waitFor();
  expect(await scrollsSideways(page)).toBe(false);
  await expectNoAxeViolations(page, "today on a phone");
  // Gone from the tablet: the coming weeks' visits are still open, so nobody is announced.
  await tablet.page.locator(".visit-card").getByText("No visits planned this week.").waitFor();
});

test("the coordinator moves the series an hour later from next week on, on a phone: earlier dates stay", async () => {
  const { page } = coordinator;
  await page.setViewportSize(PHONE);
  await visit(page, `/circles/${circleId}/calendar/agenda`);
  await page.locator(".occurrence", { hasText: TITLE }).first().getByRole("link", { name: "Change or delete" }).click();
  await page.getByRole("heading", { name: "Change a visit or task", level: 1 }).waitFor();
  expect(await page.getByLabel("Title", { exact: true }).inputValue()).toBe(TITLE);
  expect(await page.getByLabel("Repeats", { exact: true }).inputValue()).toBe("weekly");
  const nextWeek = new Date(`${visitDate}T12:00:00Z`);
  nextWeek.setUTCDate(nextWeek.getUTCDate() + 7);
  const fromDate = nextWeek.toISOString().slice(0, 10);
  const [hour, minute] = visitTime.split(":").map(Number) as [number, number];
  const later = `${String((hour + 1) % 24).padStart(2, "0")}:${String(minute).padStart(2, "0")}`;
  await page.getByLabel("Time", { exact: true }).fill(later);
  await page.getByLabel("Change from this date on", { exact: true }).fill(fromDate);
  expect(await scrollsSideways(page)).toBe(false);
  await expectNoAxeViolations(page, "the plan form, editing, on a phone");
  await page.getByRole("button", { name: "Save changes", exact: true }).click();
  await page.getByRole("heading", { name: "The next four weeks" }).waitFor();
  const { plans } = await api<{ plans: Array<{ start: string; recurrence: string; previousPlanId: string | null }> }>(stack.apiUrl, "GET", `/api/circles/${circleId}/plans`, {
    token: coordinatorToken,
  });
  // The series was split: the first part ends before next week, the rest starts there an hour later.
  expect(plans).toHaveLength(2);
  expect(plans.find((p) => p.previousPlanId !== null)).toMatchObject({ start: `${fromDate}T${later}` });
  const ids = (await occurrences()).map((o) => o.id.slice(25));
  expect(ids).toContain(`${visitDate}T${visitTime}`);
  expect(ids).toContain(`${fromDate}T${later}`);
  expect(ids).not.toContain(`${fromDate}T${visitTime}`);
  await page.setViewportSize({ width: 1200, height: 900 });
});

test("the card and the calendar speak Dutch and French too, without axe-core violations", async () => {
  for (const [language, heading, none, calendar] of [
    ["nl", "Wie komt er?", "Deze week is er geen bezoek gepland.", "Kalender"],
    ["fr", "Qui vient ?", "Aucune visite prévue cette semaine.", "Calendrier"],
  ] as const) {
    await tablet.page.evaluate((value) => localStorage.setItem("kring.language", JSON.stringify(value)), language);
    await tablet.page.reload();
    await tablet.page.getByRole("heading", { name: heading }).waitFor();
    await tablet.page.locator(".visit-card").getByText(none).waitFor();
    await expectNoAxeViolations(tablet.page, `the tablet's card (${language})`);

    await coordinator.page.evaluate((value) => localStorage.setItem("kring.language", JSON.stringify(value)), language);
    await coordinator.page.goto(`/circles/${circleId}/calendar/agenda`);
    await coordinator.page.getByRole("link", { name: calendar, exact: true }).waitFor();
    await coordinator.page.locator(".occurrence", { hasText: TITLE }).first().waitFor();
    await expectNoAxeViolations(coordinator.page, `the agenda (${language})`);
  }
});
