import ICAL from "ical.js";
import type { Occurrence } from "@kring/protocol";
import { startTestServer, type TestServer } from "../../testing/harness";

// Issue #10 item 7: a member's secret calendar feed, parsed back with ical.js and compared with the
// occurrences API. The clock is fixed at 2027-01-20 so the feed (30 days back, 180 ahead) spans the
// 2027 EU spring-forward (28 March).

const NOW = new Date("2027-01-20T09:00:00Z");
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ now: () => new Date(NOW.getTime()) });
});
afterAll(async () => {
  await server.stop();
});

async function setup() {
  const sofie = await server.registerUser("Sofie");
  const circle = await server.createCircle(sofie.token, "Anna's circle");
  const marie = await server.addMember(sofie.token, circle.id, "family", "Marie");
  const karim = await server.addMember(sofie.token, circle.id, "professional", "Karim");
  const plan = async (token: string, circleId: string, body: Record<string, unknown>) => {
    const res = await server.request("POST", `/api/circles/${circleId}/plans`, { token, body: { kind: "visit", durationMinutes: 60, timeZone: "Europe/Brussels", ...body } });
    if (res.status !== 201) throw new Error(`plan ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.plan as { id: string };
  };
  // Marie's weekly Tuesday visit at 14:00, across the DST change, with notes that must stay out.
  const weekly = await plan(sofie.token, circle.id, {
    title: "Afternoon with Anna",
    notes: "Insulin at 15:00, check the wound",
    start: "2027-01-05T14:00",
    recurrence: "FREQ=WEEKLY;BYDAY=TU",
    assigneeId: marie.user.id,
  });
  // An open slot anyone may take, Karim's own visits (not Marie's), and a visit in Marie's second circle.
  await plan(sofie.token, circle.id, { kind: "task", durationMinutes: null, title: "Pharmacy", start: "2027-02-03T10:00" });
  await plan(sofie.token, circle.id, { title: "Nursing", start: "2027-01-21T08:00", recurrence: "FREQ=DAILY;COUNT=5", assigneeId: karim.user.id });
  const other = await server.createCircle(marie.token, "Grandpa's circle");
  await plan(marie.token, other.id, { title: "Visit grandpa", start: "2027-04-10T16:30", timeZone: "Europe/London", assigneeId: marie.user.id });
  // One of Marie's Tuesdays is cancelled: it leaves her calendar.
  const cancelled = await server.request("POST", `/api/occurrences/${encodeURIComponent(`${weekly.id}:2027-02-16T14:00`)}/cancel`, { token: sofie.token });
  expect(cancelled.status).toBe(200);
  return { sofie, circle, marie, karim, weekly };
}

async function getFeed(url: string) {
  const response = await fetch(url.replace("http://localhost:4000", server.baseUrl));
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** What the occurrences API says Marie's calendar holds: her own and the open ones, not cancelled. */
async function expectedFor(token: string, userId: string): Promise<Occurrence[]> {
  const windows = [
    ["2026-12-21", "2027-02-20"],
    ["2027-02-21", "2027-04-22"],
    ["2027-04-23", "2027-06-18"],
  ];
  const all: Occurrence[] = [];
  for (const [from, to] of windows) {
    const res = await server.request("GET", `/api/me/occurrences?from=${from}&to=${to}`, { token });
    expect(res.status).toBe(200);
    all.push(...(res.body.occurrences as Occurrence[]));
  }
  return all.filter((o) => o.status !== "cancelled" && (o.assigneeId === userId || o.assigneeId === null));
}

function parse(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  for (const zone of calendar.getAllSubcomponents("vtimezone")) ICAL.TimezoneService.register(zone);
  return { calendar, events: calendar.getAllSubcomponents("vevent").map((vevent) => new ICAL.Event(vevent)) };
}

describe("calendar feed", () => {
  it("serves the member's own and open occurrences of all their circles, matching the occurrences API, with correct zones across DST", async () => {
    const { marie, weekly } = await setup();
    const created = await server.request("POST", "/api/me/calendar-feed", { token: marie.token });
    expect(created.status).toBe(201);
    expect(created.body.url).toMatch(/^http:\/\/localhost:4000\/calendar\/[A-Za-z0-9_-]{43}\.ics$/);

    const feed = await getFeed(created.body.url);
    expect(feed.status).toBe(200);
    expect(feed.headers.get("content-type")).toMatch(/^text\/calendar/);
    expect(feed.headers.get("cache-control")).toContain("no-store");
    expect(feed.text).toContain("REFRESH-INTERVAL;VALUE=DURATION:PT1H");
    expect(feed.text).toContain("X-PUBLISHED-TTL:PT1H");
    expect(feed.text).not.toContain("Insulin");
    expect(feed.text).not.toContain("Nursing");

    const { calendar, events } = parse(feed.text);
    expect(calendar.getAllSubcomponents("vtimezone").map((z) => z.getFirstPropertyValue("tzid")).sort()).toEqual(["Europe/Brussels", "Europe/London"]);

    const expected = await expectedFor(marie.token, marie.user.id);
    // The feed's window is 2026-12-21 … 2027-07-19; the API's windows above end earlier, so compare within them.
    const inWindow = events.filter((event) => event.startDate.toJSDate().getTime() < Date.parse("2027-06-19T00:00:00Z"));
    expect(inWindow.map((event) => event.uid).sort()).toEqual(expected.map((o) => o.id).sort());
    expect(expected.some((o) => o.assigneeId === null)).toBe(true);
    for (const occurrence of expected) {
      const event = inWindow.find((e) => e.uid === occurrence.id)!;
      expect(event.summary).toBe(occurrence.title);
      expect(event.component.getFirstProperty("dtstart")?.getParameter("tzid")).toBe(occurrence.timeZone);
      expect(event.startDate.zone?.tzid).toBe(occurrence.timeZone);
      expect(event.startDate.toJSDate().getTime()).toBe(Date.parse(occurrence.start));
      expect(event.endDate.toJSDate().getTime()).toBe(Date.parse(occurrence.end));
    }

    // The weekly visit is at 14:00 local before and after the spring-forward, one hour apart in UTC.
    const before = events.find((e) => e.uid === `${weekly.id}:2027-03-23T14:00`)!;
    const after = events.find((e) => e.uid === `${weekly.id}:2027-03-30T14:00`)!;
    expect([before.startDate.hour, after.startDate.hour]).toEqual([14, 14]);
    expect(before.startDate.toJSDate().toISOString()).toBe("2027-03-23T13:00:00.000Z");
    expect(after.startDate.toJSDate().toISOString()).toBe("2027-03-30T12:00:00.000Z");
    expect(events.some((e) => e.uid === `${weekly.id}:2027-02-16T14:00`)).toBe(false);

    // The UIDs are stable: a second fetch has the same events.
    const again = parse((await getFeed(created.body.url)).text).events.map((e) => e.uid);
    expect(again).toEqual(events.map((e) => e.uid));
  });

  it("stops answering a revoked or replaced URL (404), and refuses unknown and malformed tokens", async () => {
    const { marie } = await setup();
    const first = await server.request("POST", "/api/me/calendar-feed", { token: marie.token });
    const second = await server.request("POST", "/api/me/calendar-feed", { token: marie.token });
    expect(second.body.url).not.toBe(first.body.url);
    expect((await getFeed(first.body.url)).status).toBe(404);
    expect((await getFeed(second.body.url)).status).toBe(200);

    const revoked = await server.request("DELETE", "/api/me/calendar-feed", { token: marie.token });
    expect(revoked.status).toBe(204);
    expect((await getFeed(second.body.url)).status).toBe(404);

    const unknown = await fetch(`${server.baseUrl}/calendar/${"A".repeat(43)}.ics`);
    expect(unknown.status).toBe(404);
    const malformed = await fetch(`${server.baseUrl}/calendar/${encodeURIComponent('{"$ne":null}')}.ics`);
    expect(malformed.status).toBe(404);
    // Creating and revoking needs a session.
    expect((await server.request("POST", "/api/me/calendar-feed")).status).toBe(401);
  });

  it("rate-limits feed requests", async () => {
    const { marie } = await setup();
    const { body } = await server.request("POST", "/api/me/calendar-feed", { token: marie.token });
    const statuses: number[] = [];
    for (let i = 0; i < 22; i += 1) statuses.push((await getFeed(body.url)).status);
    expect(statuses.slice(0, 20).every((s) => s === 200)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });
});
